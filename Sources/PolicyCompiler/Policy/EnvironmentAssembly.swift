import Diagnostics
import PolicyModel
import TOML

/// Builds the sandbox environment, later sources overriding earlier ones by name:
/// configured `container.env` < cache variables < credential variables < `-e` flags <
/// `SSH_AUTH_SOCK`. Values from the command line and from credential providers are secret;
/// configured values are secret when their name looks like one (`TOKEN`, `SECRET`, `KEY`, …).
enum EnvironmentAssembly {
    /// Variables each credential provider supplies.
    static let credentialVariables: [(provider: String, names: [String])] = [
        ("aws", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]),
        ("gcp", ["CLOUDSDK_AUTH_ACCESS_TOKEN"]),
        ("azure", ["AZURE_ACCESS_TOKEN"]),
        ("github", ["GITHUB_TOKEN", "GH_TOKEN"]),
    ]

    static func assemble(
        config: EffectiveConfig, credentials: CredentialRequest, caches: CachePolicy, sshSocketPresent: Bool
    ) -> [EnvironmentVariable] {
        var variables = [String: EnvironmentVariable]()
        // Cache variables first: a variable the user configures points elsewhere on purpose.
        for volume in caches.volumes {
            for (name, value) in volume.environment {
                variables[name] = EnvironmentVariable(
                    name: name, value: .literal(value), isSecret: false, origin: caches.enabled.origin)
            }
        }
        let configured = config.setting("container.env")
        var fromCommandLine = [EnvironmentVariable]()
        if let configured, case .table(let members) = configured.value {
            for name in members.keys.sorted() {
                let origin = configured.origin(ofMember: name)
                let isArgument: Bool
                if case .argument = origin { isArgument = true } else { isArgument = false }
                let variable = EnvironmentVariable(
                    name: name, value: .literal(members[name] ?? ""),
                    isSecret: isArgument || EnvironmentVariable.looksSecret(name: name),
                    origin: origin)
                if isArgument { fromCommandLine.append(variable) } else { variables[name] = variable }
            }
        }
        let enabled: [String: Sourced<Bool>] = [
            "aws": credentials.aws, "gcp": credentials.gcp, "azure": credentials.azure, "github": credentials.github,
        ]
        for (provider, names) in credentialVariables {
            guard let flag = enabled[provider], flag.value else { continue }
            for name in names {
                variables[name] = EnvironmentVariable(
                    name: name, value: .credential(provider: provider), isSecret: true, origin: flag.origin)
            }
        }
        if credentials.aws.value, let region = credentials.awsOptions["region"] {
            for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
                variables[name] = EnvironmentVariable(
                    name: name, value: .literal(region.value), isSecret: false, origin: region.origin)
            }
        }
        if credentials.gcp.value, let project = credentials.gcpOptions["project"] {
            variables["CLOUDSDK_CORE_PROJECT"] = EnvironmentVariable(
                name: "CLOUDSDK_CORE_PROJECT", value: .literal(project.value), isSecret: false, origin: project.origin)
        }
        for variable in fromCommandLine {
            variables[variable.name] = variable
        }
        if credentials.sshAgent.value, sshSocketPresent {
            variables["SSH_AUTH_SOCK"] = EnvironmentVariable(
                name: "SSH_AUTH_SOCK", value: .literal("/ssh-agent"), isSecret: false,
                origin: credentials.sshAgent.origin)
        }
        return variables.keys.sorted().compactMap { variables[$0] }
    }
}
