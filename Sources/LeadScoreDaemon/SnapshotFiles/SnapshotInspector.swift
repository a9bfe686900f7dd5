import Foundation
import LeadScoreCore
import Logging

/// `leadscore snapshot inspect`: what a snapshot file or directory holds, and whether the daemon
/// would use it. It runs the daemon's own checks: the file is intact, its header names the
/// partition its file name says, and its state opens as a lead book under the configuration.
public enum SnapshotInspector {
    /// One line per snapshot file (or per problem), for a file or a whole directory.
    /// Returns the lines and whether every file passed.
    public static func inspect(path: String, scoring: ScoringConfig = ScoringConfig()) -> (lines: [String], allValid: Bool) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return (["\(path): no such file or directory"], false)
        }
        let store = SnapshotStore(directory: isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent,
                                  logger: Logger(label: "leadscore.snapshot-inspect"))
        let files = isDirectory.boolValue ? store.allFiles().map { "\(path)/\($0)" } : [path]
        if files.isEmpty { return (["\(path): no snapshot files"], true) }
        var lines: [String] = []
        var valid = true
        for file in files {
            guard let (topic, partition) = SnapshotStore.parseFileName((file as NSString).lastPathComponent) else {
                valid = false
                lines.append("\(file): UNUSABLE: not named like a snapshot (<topic>.p<partition>.<generation>.snap)")
                continue
            }
            do {
                let s = try store.readSnapshot(file, topic: topic, partition: partition)
                let book: LeadBook
                let challenger: LeadBook?
                do {
                    let parts = try PartitionState.split(s.state)
                    book = try LeadBook(deserializing: parts.live, config: scoring)
                    challenger = try parts.challenger.map { try LeadBook(deserializing: $0, config: scoring) }
                } catch {
                    throw SnapshotFileError(.corrupt, "the checksum holds but the state does not open: \(error)")
                }
                let written = Date(timeIntervalSince1970: Double(s.writtenAtMillis) / 1000)
                lines.append("\(file): ok, \(s.topic)[\(s.partition)] next offset \(s.nextOffset), config \(s.configVersion), "
                    + "\(book.leadCount) leads, \(book.accountCount) accounts, "
                    + (challenger.map { "a challenger's book of \($0.leadCount) leads, " } ?? "") + "\(s.state.count) state bytes, "
                    + "\(s.outputPositions.count) output positions, written \(written)")
            } catch {
                valid = false
                lines.append("\(file): UNUSABLE: \(error)")
            }
        }
        return (lines, valid)
    }
}
