import Foundation
import Logging

/// `leadscore snapshot inspect`: what a snapshot file or directory holds, and whether it is intact.
public enum SnapshotInspector {
    /// One line per snapshot file (or per problem), for a file or a whole directory.
    /// Returns the lines and whether every file read back intact.
    public static func inspect(path: String) -> (lines: [String], allValid: Bool) {
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
            do {
                let bytes = try store.readFile(file)
                let s = try SnapshotCodec.decode(bytes)
                let written = Date(timeIntervalSince1970: Double(s.writtenAtMillis) / 1000)
                lines.append("\(file): ok, \(s.topic)[\(s.partition)] next offset \(s.nextOffset), config \(s.configVersion), "
                    + "\(s.state.count) state bytes, \(s.outputPositions.count) output positions, written \(written)")
            } catch {
                valid = false
                lines.append("\(file): UNUSABLE: \(error)")
            }
        }
        return (lines, valid)
    }
}
