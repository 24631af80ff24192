using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Authentication;

/// <summary>serviceaccount-controller, root-ca-cert-publisher and the legacy token controller, and an expired token.</summary>
public sealed class ServiceAccountControllersTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read, string what) where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            try { if (await read() is { } value) return value; }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("timed out waiting for " + what);
    }

    [Fact]
    public async Task Every_namespace_gets_a_default_service_account_and_the_cluster_CA_in_kube_root_ca_crt()
    {
        var ns = await f.NewNamespaceAsync("ctl");
        var sa = await EventuallyAsync(() => f.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns)!, "default ServiceAccount");
        Assert.Equal("default", sa.Metadata.Name);
        var cm = await EventuallyAsync(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns)!, "kube-root-ca.crt");
        Assert.Equal(f.Cluster.CaCertificatePem, cm.Data["ca.crt"]);

        // Both come back: the ServiceAccount when deleted, the ConfigMap's data when changed.
        await f.Client.CoreV1.DeleteNamespacedServiceAccountAsync("default", ns);
        await EventuallyAsync(async () => (await f.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns)).Metadata.Uid != sa.Metadata.Uid ? "x" : null, "a new default ServiceAccount");
        cm.Data["ca.crt"] = "tampered";
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "kube-root-ca.crt", ns);
        await EventuallyAsync(async () => (await f.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns)).Data["ca.crt"] == f.Cluster.CaCertificatePem ? "x" : null, "restored ca.crt");
    }

    [Fact]
    public async Task A_legacy_token_secret_is_filled_authenticates_and_goes_with_its_service_account()
    {
        var ns = await f.NewNamespaceAsync("legacy");
        await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "old-style" } }, ns);
        await f.KubectlWithInputAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: old-style-token
              namespace: {ns}
              annotations:
                kubernetes.io/service-account.name: old-style
            type: kubernetes.io/service-account-token
            """, "apply", "-f", "-");
        var secret = await EventuallyAsync(async () =>
        {
            var s = await f.Client.CoreV1.ReadNamespacedSecretAsync("old-style-token", ns);
            return s.Data?.ContainsKey("token") == true ? s : null;
        }, "the token controller");
        Assert.Equal(f.Cluster.CaCertificatePem, Encoding.UTF8.GetString(secret.Data["ca.crt"]));
        Assert.Equal(ns, Encoding.UTF8.GetString(secret.Data["namespace"]));
        var token = Encoding.UTF8.GetString(secret.Data["token"]);
        var claims = AuthenticationKubectl.Claims(token);
        Assert.Equal("kubernetes/serviceaccount", claims["iss"]!.ToString());
        Assert.Null(claims["exp"]);

        var config = AuthenticationKubectl.WithToken(f.Cluster, token);
        var who = await AuthenticationKubectl.RunAsync(config, "auth", "whoami");
        Assert.Matches($@"Username\s+system:serviceaccount:{ns}:old-style", who.Stdout);

        await f.Client.CoreV1.DeleteNamespacedServiceAccountAsync("old-style", ns);
        await EventuallyAsync(async () => await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedSecretAsync("old-style-token", ns)) == 404 ? "gone" : null, "the Secret's deletion");
        await AuthenticationKubectl.OutliveTokenCacheAsync(f.Cluster);
        Assert.Contains("(Unauthorized)", (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).Stderr);
    }

    [Fact]
    public async Task A_token_expires_on_the_cluster_clock()
    {
        var ns = await f.NewNamespaceAsync("exp");
        await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "brief" } }, ns);
        var token = (await f.KubectlOkAsync("create", "token", "brief", "-n", ns, "--duration=10m")).Stdout.Trim();
        var config = AuthenticationKubectl.WithToken(f.Cluster, token);
        Assert.Equal(0, (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).ExitCode);

        // Ten minutes and the validator's one minute of leeway pass in well under a second at 1000×.
        var expires = DateTimeOffset.FromUnixTimeSeconds(AuthenticationKubectl.Claims(token)["exp"]!.GetValue<long>()).AddMinutes(1);
        f.Cluster.Clock.SetSpeed(KubeLab.Simulator.Clock.SimulatedClock.MaxSpeed);
        try
        {
            while (f.Cluster.Clock.GetUtcNow() <= expires.AddSeconds(1)) await Task.Delay(50);
        }
        finally
        {
            f.Cluster.Clock.SetSpeed(1);
        }
        var r = await AuthenticationKubectl.RunAsync(config, "get", "pods", "-n", ns);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(AuthenticationKubectl.Unauthorized, r.Stderr);

        var review = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } };
        var (_, body) = await f.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review.ToJsonString());
        Assert.Contains("service account token has expired", body!["status"]!["error"]!.ToString());
    }
}
