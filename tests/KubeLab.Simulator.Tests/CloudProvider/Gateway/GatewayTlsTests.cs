using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>
/// TLS termination at the Envoy of a Gateway: an HTTPS listener with a kubernetes.io/tls Secret serves its certificate, curl
/// (agnhost's 8.12.1) checks it as OpenSSL does, busybox wget does not; a listener with a bad certificateRef reports
/// InvalidCertificateRef and does not listen.
/// </summary>
public sealed class GatewayTlsTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static string? Condition(JsonNode? conditions, string type, string field = "status") => GatewayTestObjects.Condition(conditions, type, field);

    internal static V1Secret TlsSecret(string name, string host, string type = "kubernetes.io/tls")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        // Wide validity: the cluster clock may run ahead of the wall clock.
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        return new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name },
            Type = type,
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = System.Text.Encoding.ASCII.GetBytes(cert.ExportCertificatePem()),
                ["tls.key"] = System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()),
            },
        };
    }

    private static string Gateway(string secret) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
        spec:
          gatewayClassName: cloud-provider-kind
          listeners:
          - name: http
            protocol: HTTP
            port: 80
          - name: https
            protocol: HTTPS
            port: 443
            tls:
              mode: Terminate
              certificateRefs:
              - kind: Secret
                name: {secret}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: shop
        spec:
          parentRefs:
          - name: gw
          hostnames: ["shop.example.com"]
          rules:
          - backendRefs:
            - name: echo
              port: 80
        ---

        """;

    internal const string Curler = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: curler
        spec:
          containers:
          - name: main
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: ["pause"]
            volumeMounts:
            - name: tls
              mountPath: /tls
          volumes:
          - name: tls
            secret:
              secretName: shop-tls
        ---

        """;

    private async Task<(int Code, string Out, string Err)> Curl(string ns, params string[] args)
    {
        var r = await f.ExecAsync(null, ["exec", "curler", "-n", ns, "--", "curl", .. args]);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public async Task An_https_listener_serves_the_secrets_certificate_and_curl_checks_trust_and_name()
    {
        var ns = await f.NewNamespaceAsync("gwtls");
        await f.Client.CoreV1.CreateNamespacedSecretAsync(TlsSecret("shop-tls", "shop.example.com"), ns);
        await f.ApplyAsync(ns, TestPods.NetexecWithService("echo") + TestPods.BusyboxClient + "\n---\n" + Curler + Gateway("shop-tls"));
        var gw = await f.WaitForGatewayObjectAsync("gateways", ns, "gw", g => Condition(g["status"]?["conditions"], "Programmed") == "True"
            && g["status"]?["listeners"] is JsonArray { Count: 2 }, "programmed with both listeners");
        var https = gw["status"]!["listeners"]!.AsArray().First(l => (string?)l!["name"] == "https")!;
        Assert.Equal("True", Condition(https["conditions"], "ResolvedRefs"));
        Assert.Equal("True", Condition(https["conditions"], "Programmed"));
        var ip = (string)gw["status"]!["addresses"]![0]!["value"]!;
        await f.WaitForRunningAsync(ns, "echo");
        await f.WaitForRunningAsync(ns, "curler");
        await f.WaitForRunningAsync(ns, "client");
        var resolve = $"shop.example.com:443:{ip}";
        const string Url = "https://shop.example.com/hostname";

        (int Code, string Out, string Err) ok = default;
        await EndToEndCluster.EventuallyAsync(async () => (ok = await Curl(ns, "-sS", "--cacert", "/tls/tls.crt", "--resolve", resolve, Url)).Code == 0 && ok.Out == "echo",
            () => $"curl through the HTTPS listener never answered: {ok}");

        // Not trusted: a self-signed certificate without --cacert.
        var untrusted = await Curl(ns, "-sS", "--resolve", resolve, Url);
        Assert.Equal(60, untrusted.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate\nMore details here: https://curl.se/docs/sslcerts.html\n", untrusted.Err);
        Assert.Contains("how to fix it, please visit the webpage mentioned above.", untrusted.Err);
        Assert.Equal("", untrusted.Out);
        // Trusted, but a name the certificate does not carry (Envoy falls back to its only certificate).
        var wrongName = await Curl(ns, "-sS", "--cacert", "/tls/tls.crt", "--resolve", $"www.example.com:443:{ip}", "https://www.example.com/hostname");
        Assert.Equal(60, wrongName.Code);
        Assert.StartsWith("curl: (60) SSL: no alternative certificate subject name matches target host name 'www.example.com'", wrongName.Err);
        // -k skips both checks.
        var insecure = await Curl(ns, "-sk", "--resolve", resolve, Url);
        Assert.Equal((0, "echo"), (insecure.Code, insecure.Out));
        // -v shows the server certificate.
        var verbose = await Curl(ns, "-s", "-v", "--cacert", "/tls/tls.crt", "--resolve", resolve, Url);
        Assert.Equal(0, verbose.Code);
        Assert.Contains("* Server certificate:\n*  subject: CN=shop.example.com\n*  start date: ", verbose.Err);
        Assert.Contains("*  subjectAltName: host \"shop.example.com\" matched cert's \"shop.example.com\"\n*  issuer: CN=shop.example.com\n*  SSL certificate verify ok.", verbose.Err);
        // Plain HTTP on the TLS port: Envoy's handshake fails and it closes; TLS to the plain port: not a TLS record.
        var plainOnTls = await Curl(ns, "-sS", "-H", "Host: shop.example.com", $"http://{ip}:443/hostname");
        Assert.Equal(52, plainOnTls.Code);
        Assert.StartsWith("curl: (52) Empty reply from server\n", plainOnTls.Err);
        var tlsOnPlain = await Curl(ns, "-sS", "--resolve", $"shop.example.com:80:{ip}", "https://shop.example.com:80/hostname");
        Assert.Equal(35, tlsOnPlain.Code);
        Assert.Contains("wrong version number", tlsOnPlain.Err);
        // busybox wget: TLS without any certificate check, and it says so.
        var wget = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "--header", "Host: shop.example.com", $"https://{ip}/hostname");
        Assert.Equal((0, "echo", "wget: note: TLS certificate validation not implemented\n"), (wget.ExitCode, wget.Stdout, wget.Stderr));
        var quietWget = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "--no-check-certificate", "--header", "Host: shop.example.com", $"https://{ip}/hostname");
        Assert.Equal((0, "echo", ""), (quietWget.ExitCode, quietWget.Stdout, quietWget.Stderr));
        var plainWget = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "--header", "Host: shop.example.com", $"http://{ip}:443/hostname");
        Assert.Equal(1, plainWget.ExitCode);
        Assert.StartsWith("wget: error getting response\n", plainWget.Stderr);
    }

    [Fact]
    public async Task A_missing_or_wrongly_typed_secret_is_an_invalid_certificate_ref_and_the_listener_does_not_serve()
    {
        var ns = await f.NewNamespaceAsync("gwbadtls");
        await f.ApplyAsync(ns, TestPods.NetexecWithService("echo") + Gateway("shop-tls"));
        var gw = await f.WaitForGatewayObjectAsync("gateways", ns, "gw", g => g["status"]?["listeners"] is JsonArray { Count: 2 }
            && Condition(g["status"]?["listeners"]?[1]?["conditions"], "ResolvedRefs") == "False", "reported the missing Secret");
        var https = gw["status"]!["listeners"]![1]!;
        Assert.Equal("InvalidCertificateRef", Condition(https["conditions"], "ResolvedRefs", "reason"));
        Assert.Equal("False", Condition(https["conditions"], "Programmed"));
        Assert.Equal("True", Condition(gw["status"]!["listeners"]![0]!["conditions"], "Programmed"));
        Assert.Equal("ListenersNotProgrammed", Condition(gw["status"]!["conditions"], "Programmed", "reason"));
        var ip = (string)gw["status"]!["addresses"]![0]!["value"]!;
        await f.ApplyAsync(ns, TestPods.BusyboxClient);
        await f.WaitForRunningAsync(ns, "client");
        var refused = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", $"https://{ip}/");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"can't connect to remote host ({ip}): Connection refused", refused.Stderr);

        Assert.Equal($"reference to Secret {ns}/shop-tls not found", Condition(https["conditions"], "ResolvedRefs", "message"));
        Assert.StartsWith("Failed to program listener: failed to build TLS context for listener https: ", Condition(https["conditions"], "Programmed", "message"));

        // A Secret without tls.key is malformed; cloud-provider-kind looks at the keys, not at the Secret's type.
        var secret = TlsSecret("shop-tls", "shop.example.com", type: "Opaque");
        var key = secret.Data["tls.key"];
        secret.Data.Remove("tls.key");
        await f.Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
        await f.WaitForGatewayObjectAsync("gateways", ns, "gw", g => Condition(g["status"]?["listeners"]?[1]?["conditions"], "ResolvedRefs", "message")
            == $"malformed Secret {ns}/shop-tls : secret {ns}/shop-tls does not contain key tls.key", "reported the malformed Secret");
        secret.Data["tls.key"] = key;
        await f.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "shop-tls", ns);
        await f.WaitForGatewayObjectAsync("gateways", ns, "gw", g => Condition(g["status"]?["listeners"]?[1]?["conditions"], "ResolvedRefs") == "True"
            && Condition(g["status"]?["conditions"], "Programmed") == "True", "resolved the Secret");
        var served = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "--no-check-certificate", "--header", "Host: shop.example.com", $"https://{ip}/hostname");
        Assert.Equal((0, "echo"), (served.ExitCode, served.Stdout));
    }
}
