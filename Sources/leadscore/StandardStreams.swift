#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints a line to stderr (diagnostics never go to stdout, which carries JSON Lines).
func printError(_ line: String, terminator: String = "\n") {
    var text = line
    text.append(terminator)
    text.withUTF8 { FileOutput.standardError.writeAll($0) }
}
