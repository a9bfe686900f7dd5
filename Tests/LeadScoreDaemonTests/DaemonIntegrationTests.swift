import Testing

/// The daemon as users run it: real `leadscore run` processes against a real broker (Tansu). One
/// test at a time, since each runs several daemons and a broker on a small machine.
@Suite("Daemon integration (Tansu, real daemon processes)", .serialized)
struct DaemonIntegrationTests {}
