import Foundation
import LinuxKernel
import Sysfence
import Testing

@Suite struct ProcStatusTests {
    @Test("This process's /proc status gives its name, process id and SIGSYS disposition")
    func ownStatus() throws {
        let status = try #require(ThreadStatus(procStatus: readSmallFile("/proc/self/status")))
        #expect(status.processID == getpid())
        #expect(!status.name.isEmpty)
        #expect(status.takesDefaultAction(Signals.badSystemCall) == true)
    }

    @Test("A missing file is an error naming the path")
    func missingFile() {
        #expect(throws: SystemCallError("open(/proc/0/status)", errno: ENOENT)) {
            _ = try readSmallFile("/proc/0/status")
        }
    }
}
