import LeadScoreCore
import Testing

/// `String(checkedUTF8:)`: what the standard library's validating initializer accepts, and
/// nothing else, with or without its ASCII shortcut.
@Suite("Checked UTF-8")
struct CheckedUTF8Tests {
    @Test("accepts and refuses what String(validating:) does", arguments: [
        [], Array("L-12345".utf8), Array("Zoë Ünal 日本 🚀".utf8), Array("R-\"x\"\\\n\0".utf8),
        [0xFF], [0x41, 0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x41, 0xE6, 0x97],
    ] as [[UInt8]])
    func matchesTheStandardLibrary(bytes: [UInt8]) {
        let checked = bytes.withUnsafeBytes { String(checkedUTF8: $0) }
        let standard = String(validating: bytes, as: UTF8.self)
        #expect(checked == standard)
        if let checked { #expect(Array(checked.utf8) == bytes) }
    }
}
