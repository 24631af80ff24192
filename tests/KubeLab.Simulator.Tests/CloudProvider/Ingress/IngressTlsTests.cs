using k8s;
using k8s.Models;
using KubeLab.Simulator.Tests.CloudProvider.Gateway;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Ingress;

/// <summary>An Ingress's tls[] as cloud-provider-kind translates it: the HTTPS listener of kind-ingress-gateway serves the Secret.</summary>
public sealed class IngressTlsTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string IngressYaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
        spec:
          tls:
          - hosts: ["shop.example.com"]
            secretName: shop-tls
          rules:
          - host: shop.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: echo
                    port:
                      number: 80
        """;

    [Fact]
    public async Task An_ingress_with_tls_terminates_https_at_the_gateway_and_still_answers_http()
    {
        var ns = await f.NewNamespaceAsync("ingtls");
        await f.Client.CoreV1.CreateNamespacedSecretAsync(GatewayTlsTests.TlsSecret("shop-tls", "shop.example.com"), ns);
        await f.ApplyAsync(ns, TestPods.NetexecWithService("echo") + GatewayTlsTests.Curler + IngressYaml);
        V1Ingress? ing = null;
        await EndToEndCluster.EventuallyAsync(async () => (ing = await f.Client.NetworkingV1.ReadNamespacedIngressAsync("shop", ns)).Status?.LoadBalancer?.Ingress?.Count > 0,
            () => "the Ingress never got an address");
        var ip = ing!.Status.LoadBalancer.Ingress[0].Ip;
        await f.WaitForRunningAsync(ns, "echo");
        await f.WaitForRunningAsync(ns, "curler");
        KubectlResult? https = null;
        await EndToEndCluster.EventuallyAsync(async () => (https = await f.ExecAsync(null, "exec", "curler", "-n", ns, "--", "curl", "-sS", "--cacert", "/tls/tls.crt",
            "--resolve", $"shop.example.com:443:{ip}", "https://shop.example.com/hostname")).ExitCode == 0 && https.Stdout == "echo", () => $"https never answered: {https?.Stderr}");
        var http = await f.ExecAsync(null, "exec", "curler", "-n", ns, "--", "curl", "-sS", "--resolve", $"shop.example.com:80:{ip}", "http://shop.example.com/hostname");
        Assert.Equal((0, "echo"), (http.ExitCode, http.Stdout));
        var untrusted = await f.ExecAsync(null, "exec", "curler", "-n", ns, "--", "curl", "-sS", "--resolve", $"shop.example.com:443:{ip}", "https://shop.example.com/hostname");
        Assert.Equal(60, untrusted.ExitCode);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate\n", untrusted.Stderr);
    }
}
