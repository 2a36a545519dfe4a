import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct HostInspectionTests {
    static func probe(
        osRelease: String, tools: Set<String>, userID: UInt32 = 1001, subuid: String = "", subgid: String = "",
        runtimeDirectory: String? = "/run/user/1001"
    ) -> HostInspection.Probe {
        HostInspection.Probe(
            readFile: { path in
                switch path {
                case "/etc/os-release": return osRelease
                case "/etc/subuid": return subuid
                case "/etc/subgid": return subgid
                default: return nil
                }
            },
            locate: { tools.contains($0) ? "/usr/bin/" + $0 : nil }, userID: userID, userName: "dev",
            environment: runtimeDirectory.map { ["XDG_RUNTIME_DIR": $0] } ?? [:])
    }

    static let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"
    static let everything: Set<String> = [
        "podman", "runc", "nft", "iptables-restore", "newuidmap", "slirp4netns", "fuse-overlayfs",
    ]

    @Test func aCompleteRootlessHostLacksNothing() {
        let inspection = HostInspection.inspect(
            Self.probe(
                osRelease: Self.debian, tools: Self.everything, subuid: "dev:100000:65536\n",
                subgid: "1001:100000:65536\n"))
        #expect(inspection.missingRequired.isEmpty)
        #expect(inspection.packages(upgrade: false).isEmpty)
        #expect(inspection.packageManager == .apt)
        #expect(inspection.distribution == "Debian GNU/Linux 12 (bookworm)")
    }

    @Test func aBareDebianHostNeedsEveryPackageAndIdRanges() {
        let inspection = HostInspection.inspect(Self.probe(osRelease: Self.debian, tools: []))
        #expect(
            inspection.packages(upgrade: false) == [
                "podman", "runc", "nftables", "iptables", "uidmap", "slirp4netns", "fuse-overlayfs",
            ])
        #expect(Set(inspection.missingRequired.map(\.id)).isSuperset(of: ["podman", "subuid", "subgid"]))
        #expect(!inspection.missingRequired.contains { $0.id == "fuse-overlayfs" })
    }

    @Test func fedoraUsesDnfNamesAndRootNeedsNoRootlessPieces() {
        let fedora = HostInspection.inspect(
            Self.probe(osRelease: "ID=fedora\nPRETTY_NAME='Fedora Linux 43'\n", tools: [], userID: 0))
        #expect(fedora.packageManager == .dnf)
        #expect(fedora.packages(upgrade: false) == ["podman", "crun", "nftables", "iptables-nft"])
        #expect(!fedora.items.contains { $0.id == "subuid" })
        let ubuntu = HostInspection.inspect(Self.probe(osRelease: "ID=ubuntu\nID_LIKE=debian\n", tools: []))
        #expect(ubuntu.packageManager == .apt)
        let arch = HostInspection.inspect(Self.probe(osRelease: "ID=arch\n", tools: []))
        #expect(arch.packageManager == nil)
        #expect(arch.packages(upgrade: false).isEmpty)
    }

    @Test func upgradeListsInstalledPackagesToo() {
        let inspection = HostInspection.inspect(
            Self.probe(osRelease: Self.debian, tools: Self.everything, subuid: "dev:1:65536", subgid: "dev:1:65536"))
        #expect(inspection.packages(upgrade: true).contains("podman"))
        #expect(inspection.packages(upgrade: false).isEmpty)
    }

    @Test func subordinateRangesNeedAFullRangeAndFreeRangesStartAfterTheLast() {
        #expect(HostInspection.subordinateRange(in: "dev:100000:1000\n", user: "dev", id: 7) == nil)
        #expect(
            HostInspection.subordinateRange(in: "other:1:65536\n7:200000:65536\n", user: "dev", id: 7)?.start == 200_000
        )
        #expect(HostInspection.freeRange(in: "") == 100_000)
        #expect(HostInspection.freeRange(in: "a:100000:65536\nb:300000:65536\n") == 365_536)
    }

    @Test func setupCheckOnAHostWithoutPodmanExits1AndNamesIt() {
        let run = MinoRun(
            ["setup", "--check"], environment: ["PATH": "/nonexistent", "HOME": "/nonexistent"], registry: .standard)
        #expect(run.status == 1)
        #expect(run.stdout.contains("MISSING  podman"))
        #expect(run.stderr.contains("missing: podman"))
        let status = MinoRun(
            ["status", "--format", "json"], environment: ["PATH": "/nonexistent", "HOME": "/nonexistent"],
            registry: .standard)
        #expect(status.status == 1)
        #expect(status.stdout.contains("\"healthy\": false"))
    }

    @Test func setupRefusesToInstallWithoutConfirmationWhenNotInteractive() {
        let run = MinoRun(
            ["setup"], environment: ["PATH": "/nonexistent", "HOME": "/nonexistent"], registry: .standard)
        #expect(run.status == 1)
        #expect(run.stderr.contains("setup.confirmation-required"))
        #expect(run.stderr.contains("pass -y"))
    }
}
