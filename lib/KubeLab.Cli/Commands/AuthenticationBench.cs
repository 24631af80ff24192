using System.Diagnostics;
using k8s;
using k8s.Models;
using KubeLab.Simulator;
using KubeLab.Simulator.Api.Authentication;

namespace KubeLab.Cli.Commands;

/// <summary>
/// What authentication costs: making the cluster's PKI at start, verifying a service-account token (RS256 signature, claims,
/// ServiceAccount lookup) and an HTTPS request on a kept-alive connection vs one that needs a new TLS handshake.
/// </summary>
internal static class AuthenticationBench
{
    public const string Namespace = "kubelab-bench-authn";

    public sealed record Figures(double PkiMs, double VerifyMicros, int Verifies, double KeepAliveMs, double HandshakeMs, int Requests);

    public static async Task<Figures> RunAsync(SimulatedCluster cluster, CancellationToken ct)
    {
        // kubeadm init phase certs as the simulator does it at every start: CA, serving certificate, sa.key, two client certificates
        // (the admin's and kube-controller-manager's, which has no group).
        var clock = Stopwatch.StartNew();
        using (var pki = ClusterPki.Create(DateTimeOffset.UtcNow))
        {
            using var serving = pki.IssueServingCertificate(DateTimeOffset.UtcNow, "k8s-course-control-plane", []);
            using var admin = pki.IssueClientCertificate("kubernetes-admin", ["kubeadm:cluster-admins"], DateTimeOffset.UtcNow);
            using var controllers = pki.IssueClientCertificate(SimulatedCluster.ControllerUser, [], DateTimeOffset.UtcNow);
        }
        var pkiMs = clock.Elapsed.TotalMilliseconds;

        using var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = Namespace } }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "bench" } }, Namespace, cancellationToken: ct);
        var issued = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "bench", Namespace, cancellationToken: ct);
        const int verifies = 2000;
        for (var i = 0; i < 100; i++) cluster.AuthenticateToken(issued.Status.Token);
        clock.Restart();
        for (var i = 0; i < verifies; i++)
            if (cluster.AuthenticateToken(issued.Status.Token).User is null) throw new InvalidOperationException("the bench token did not verify");
        var verifyMicros = clock.Elapsed.TotalMicroseconds / verifies;

        const int requests = 200;
        using var keepAlive = cluster.CreateHttpClient();
        var kept = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            clock.Restart();
            using var r = await keepAlive.GetAsync("/version", ct);
            kept.Add(clock.Elapsed.TotalMilliseconds);
        }
        var fresh = new List<double>();
        for (var i = 0; i < requests / 4; i++)
        {
            using var once = cluster.CreateHttpClient();
            clock.Restart();
            using var r = await once.GetAsync("/version", ct);
            fresh.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Figures(pkiMs, verifyMicros, verifies, Median(kept), Median(fresh), requests);
    }

    private static double Median(List<double> samples)
    {
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
