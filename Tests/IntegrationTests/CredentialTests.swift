import Testing

extension Integration {
    /// Credentials (issue 5) on real podman: AWS with the real CLI against a local STS, the
    /// other providers through stand-ins, the cache, SSH agent forwarding, and that no secret
    /// leaks to the process table, mino's output, its logs or its audit log. Run them alone
    /// with `swift test --skip-build --filter CredentialTests`.
    @Suite enum CredentialTests {}
}
