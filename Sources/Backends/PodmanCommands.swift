import PolicyModel

/// Every podman command line mino runs that is not a container artifact (those are
/// `PodmanBackend`'s): the words after `podman`, built in one place so the planner's steps and
/// the podman client can never drift apart.
public enum PodmanCommands {
    /// `image exists IMAGE` (status 0 when present).
    public static func imageExists(_ image: String) -> [String] { ["image", "exists", image] }
    /// `pull --quiet IMAGE`.
    public static func pull(_ image: String) -> [String] { ["pull", "--quiet", image] }
    /// `image inspect --format {{.Id}} IMAGE`.
    public static func imageID(_ image: String) -> [String] { ["image", "inspect", "--format", "{{.Id}}", image] }
    /// `build --tag TAG --file CONTEXT/Containerfile CONTEXT`.
    public static func build(tag: String, context: String) -> [String] {
        ["build", "--tag", tag, "--file", context + "/Containerfile", context]
    }
    /// `--hooks-dir DIR`, the global option (before the verb) that makes the container runtime
    /// run the session's fence hook.
    public static func hooksDirectory(_ directory: String) -> [String] { ["--hooks-dir", directory] }
    /// `inspect --format {{.State.Running}} CONTAINER`.
    public static func running(_ container: String) -> [String] {
        ["inspect", "--format", "{{.State.Running}}", container]
    }
    /// `start [--attach] CONTAINER`.
    public static func start(_ container: String, attach: Bool) -> [String] {
        attach ? ["start", "--attach", container] : ["start", container]
    }
    /// `wait CONTAINER` (prints the exit code).
    public static func wait(_ container: String) -> [String] { ["wait", container] }
    /// `stop --time SECONDS CONTAINER`.
    public static func stop(_ container: String, graceSeconds: Int) -> [String] {
        ["stop", "--time", String(graceSeconds), container]
    }
    /// `rm --force --time SECONDS CONTAINER`: stops (SIGTERM, then SIGKILL) and removes.
    public static func remove(_ container: String, graceSeconds: Int) -> [String] {
        ["rm", "--force", "--time", String(graceSeconds), container]
    }
    /// `volume inspect --format json NAME`.
    public static func volumeInspect(_ name: String) -> [String] { ["volume", "inspect", "--format", "json", name] }
    /// `volume ls --format json`.
    public static let volumeList = ["volume", "ls", "--format", "json"]
    /// `volume rm NAME`.
    public static func volumeRemove(_ name: String) -> [String] { ["volume", "rm", name] }
    /// `ps --all --filter volume=NAME --format json`: the containers that use a volume.
    public static func volumeUsers(_ name: String) -> [String] {
        ["ps", "--all", "--filter", "volume=" + name, "--format", "json"]
    }
    /// `info --format {{.Host.OCIRuntime.Name}}`: the OCI runtime podman runs containers with.
    public static let ociRuntimeName = ["info", "--format", "{{.Host.OCIRuntime.Name}}"]
    /// `logs [--follow] [--tail N] CONTAINER` (`lines` 0: all).
    public static func logs(_ container: String, follow: Bool, lines: Int) -> [String] {
        ["logs"] + (follow ? ["--follow"] : []) + (lines > 0 ? ["--tail", String(lines)] : []) + [container]
    }
    /// `images --format json`.
    public static let imageList = ["images", "--format", "json"]
    /// `rmi IMAGE`.
    public static func removeImage(_ image: String) -> [String] { ["rmi", image] }
    /// `unshare ARGV…`: runs a host command in rootless podman's user namespace.
    public static func unshare(_ argv: [String]) -> [String] { ["unshare"] + argv }
}
