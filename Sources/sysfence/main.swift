import Foundation

let tool = CommandLineTool(root: SysfenceCommand.self, console: .standard())
exit(tool.run(Array(CommandLine.arguments.dropFirst())).rawValue)
