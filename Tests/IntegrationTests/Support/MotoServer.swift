import Foundation

/// A local AWS STS endpoint: moto's server (`moto[server]` in the venv setup-integration
/// makes) listening on 127.0.0.1 at a free port, started by a test and stopped with it. The
/// real `aws` CLI of the same venv talks to it through `AWS_ENDPOINT_URL_STS`.
///
/// moto does not check signatures and answers `get-session-token` with fixed sample keys
/// (`AKIAIOSFODNN7EXAMPLE`); `assume-role` issues fresh keys per call and remembers the role,
/// the session name and the session policy (read back from `/moto-api/data.json`).
final class MotoServer {
    /// The venv of awscli and moto (`MINO_IT_VENV`, default /opt/mino-it-venv).
    static let venv = ProcessInfo.processInfo.environment["MINO_IT_VENV"] ?? "/opt/mino-it-venv"
    static var problem: String? {
        FileManager.default.isExecutableFile(atPath: venv + "/bin/moto_server")
            && FileManager.default.isExecutableFile(atPath: venv + "/bin/aws")
            ? nil : "\(venv) lacks aws or moto_server: run scripts/setup-integration"
    }

    let port: UInt16
    var endpoint: String { "http://127.0.0.1:\(port)" }
    private let process: Background

    /// Starts the server and waits (at most 30 s) until it answers.
    init() throws {
        if let problem = Self.problem { throw HarnessError(problem) }
        guard let port = freeLoopbackPort() else { throw HarnessError("no free loopback port") }
        self.port = port
        process = try Background(
            [Self.venv + "/bin/moto_server", "-H", "127.0.0.1", "-p", String(port)],
            environment: ["PATH": Command.path, "HOME": "/root", "LC_ALL": "C.UTF-8"], directory: "/")
        let up = Command.poll(timeout: 30, interval: 0.3) { [process] in
            process.isRunning && Self.fetch("http://127.0.0.1:\(port)/moto-api/data.json") != nil
        }
        guard up else {
            let result = process.wait(timeout: 1)
            throw HarnessError("moto did not start on port \(port): \(result)")
        }
    }

    deinit {
        process.signal(SIGTERM)
        let result = process.wait(timeout: 10)  // killed with SIGKILL after 10 s
        _ = result
    }

    /// GET of a URL with the venv's python (5 s timeout); `nil` on failure.
    static func fetch(_ url: String) -> Data? {
        let script =
            "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"
        let result = Command.run([venv + "/bin/python3", "-c", script, url], timeout: 15)
        return result.succeeded ? Data(result.stdout.utf8) : nil
    }

    /// The roles assumed so far, as moto records them (`role_arn`, `session_name`, `policy`,
    /// `access_key_id`, …).
    func assumedRoles() -> [[String: Any]] {
        guard let data = Self.fetch(endpoint + "/moto-api/data.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let sts = object["sts"] as? [String: Any]
        else { return [] }
        return sts["AssumedRole"] as? [[String: Any]] ?? []
    }

    /// The host environment for mino: the venv's `aws` on PATH, the endpoint, and the host's
    /// own long-lived keys (which must never reach the sandbox). No AWS config or credential
    /// file of the machine is read.
    func hostEnvironment(hostKey: String, hostSecret: String, base: String) -> [String: String] {
        [
            "PATH": Self.venv + "/bin:" + Command.path, "AWS_ENDPOINT_URL_STS": endpoint,
            "AWS_ACCESS_KEY_ID": hostKey, "AWS_SECRET_ACCESS_KEY": hostSecret, "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": base + "/no-aws-config", "AWS_SHARED_CREDENTIALS_FILE": base + "/no-aws-credentials",
        ]
    }

    /// `aws sts get-caller-identity` on the host with these keys: the Arn.
    func callerIdentity(_ values: [String: String]) -> String? {
        var environment = hostEnvironment(
            hostKey: values["AWS_ACCESS_KEY_ID"] ?? "", hostSecret: values["AWS_SECRET_ACCESS_KEY"] ?? "",
            base: "/nonexistent")
        environment["AWS_SESSION_TOKEN"] = values["AWS_SESSION_TOKEN"]
        environment["HOME"] = "/nonexistent"
        let result = Command.run(
            [Self.venv + "/bin/aws", "sts", "get-caller-identity", "--output", "text", "--query", "Arn"],
            environment: environment, timeout: 60)
        return result.succeeded ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The agent's side: python3 of the test image (no aws CLI there, and python3-minimal has
    /// neither hmac, json nor http.client) signs an STS GetCallerIdentity request with SigV4
    /// from the injected variables, sends it to the endpoint given as argument, and writes
    /// `status=`, `arn=` and the AWS variables it used to `identity.out` in the project.
    static let callerIdentityScript = #"""
        import hashlib, os, re, socket, sys, time

        def hmac(key, message):
            if len(key) > 64:
                key = hashlib.sha256(key).digest()
            key = key.ljust(64, b"\0")
            inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
            return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).digest()

        hostport = sys.argv[1].split("//", 1)[1].rstrip("/")
        host, port = hostport.rsplit(":", 1)
        key = os.environ["AWS_ACCESS_KEY_ID"]
        secret = os.environ["AWS_SECRET_ACCESS_KEY"]
        token = os.environ.get("AWS_SESSION_TOKEN")
        region = os.environ.get("AWS_REGION", "us-east-1")
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        day = stamp[:8]
        headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": hostport,
                   "x-amz-date": stamp}
        if token:
            headers["x-amz-security-token"] = token
        names = sorted(headers)
        canonical = "\n".join(["POST", "/", "", "".join("%s:%s\n" % (n, headers[n]) for n in names),
                               ";".join(names), hashlib.sha256(body).hexdigest()])
        scope = "%s/%s/sts/aws4_request" % (day, region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        signing = hmac(("AWS4" + secret).encode(), day.encode())
        for part in (region, "sts", "aws4_request"):
            signing = hmac(signing, part.encode())
        headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            key, scope, ";".join(names), hmac(signing, to_sign.encode()).hex())
        request = "POST / HTTP/1.1\r\n" + "".join("%s: %s\r\n" % item for item in headers.items())
        request += "content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
        answer = b""
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request.encode() + body)
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
        text = answer.decode(errors="replace")
        arn = re.search(r"<Arn>([^<]*)</Arn>", text)
        with open("identity.out", "w") as out:
            out.write("status=%s\narn=%s\n" % (text.split(" ", 2)[1], arn.group(1) if arn else ""))
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
                out.write("%s=%s\n" % (name, os.environ.get(name, "")))
        """#
}
