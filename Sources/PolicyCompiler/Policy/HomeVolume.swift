import Diagnostics
import PolicyModel
import TOML

/// The persistent per-project home volume (`mino-home-<12 hex>` at `/home/developer`).
public enum HomeVolume {
    /// Where the home volume is mounted.
    public static let target = "/home/developer"

    /// `mino-home-` and the first 12 hex digits of the SHA-256 of the project path.
    public static func name(forProject path: String) -> String {
        "mino-home-" + SHA256.hash(Array(path.utf8)).hex.prefix(12)
    }

    /// The volume name when the policy mounts one: home volumes are enabled, the image is a
    /// mino image (the base image or a composed one, which have the `developer` home), and no
    /// other mount already uses `/home/developer`.
    public static func volume(for policy: SandboxPolicy) -> String? {
        guard policy.homeVolume.value, policy.runtime.value == .container else { return nil }
        let image = policy.image.value
        let isMinoImage =
            image == ImageResolution.baseImage || image.hasPrefix("mino-composed-")
            || image.hasPrefix("localhost/mino-composed-")
        guard isMinoImage, !policy.mounts.contains(where: { $0.target == target || $0.target.hasPrefix(target + "/") })
        else { return nil }
        return name(forProject: policy.project.hostPath.value)
    }
}
