using System.Diagnostics;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Authentication;

/// <summary>kubectl with a kubeconfig of the test's choosing (a token user, another CA's certificate, no credentials).</summary>
internal static class AuthenticationKubectl
{
    public static async Task<KubectlResult> RunAsync(string kubeconfigYaml, params string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubelab-authn-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "config");
        await File.WriteAllTextAsync(path, kubeconfigYaml);
        try
        {
            var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--kubeconfig=" + path);
            // An empty discovery cache per call: with the shared ~/.kube/cache (warm or cold depending on which test ran first
            // against the port) kubectl's 401 text changed between runs; cold, discovery meets the 401 first, as after a fresh install.
            if (!args.Any(a => a.StartsWith("--cache-dir", StringComparison.Ordinal))) psi.ArgumentList.Add("--cache-dir=" + Path.Combine(dir, "cache"));
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(cts.Token);
            return new KubectlResult(p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// What kubectl 1.32 prints when its credentials are refused: discovery (GET /api) meets the 401 first, and the
    /// aggregated-discovery client reports it in client-go's words for a 401 rather than the Status's message.
    /// </summary>
    public const string Unauthorized = "error: You must be logged in to the server (the server has asked for the client to provide credentials)";

    /// <summary>The cluster's kubeconfig with the user's credentials replaced by <paramref name="userYaml"/> (indented user fields).</summary>
    public static string WithUser(SimulatedCluster cluster, string userYaml)
    {
        var yaml = cluster.KubeconfigYaml;
        var start = yaml.IndexOf("    client-certificate-data:", StringComparison.Ordinal);
        var end = yaml.IndexOf("contexts:", StringComparison.Ordinal);
        return yaml[..start] + userYaml + yaml[end..];
    }

    public static string WithToken(SimulatedCluster cluster, string token) => WithUser(cluster, $"    token: {token}\n");

    /// <summary>
    /// Lets kube-apiserver's 10-second token success cache (<see cref="KubeLab.Simulator.Api.Authentication.CachedTokenAuthenticator"/>) run out on
    /// the cluster clock, briefly sped up: only then does a deleted Pod, Secret or ServiceAccount take its tokens with it.
    /// </summary>
    public static async Task OutliveTokenCacheAsync(SimulatedCluster cluster)
    {
        var until = cluster.Clock.GetUtcNow() + KubeLab.Simulator.Api.Authentication.CachedTokenAuthenticator.SuccessTtl + TimeSpan.FromSeconds(1);
        var speed = cluster.Clock.Speed;
        cluster.Clock.SetSpeed(Math.Max(speed, 50));
        try
        {
            while (cluster.Clock.GetUtcNow() <= until) await Task.Delay(20);
        }
        finally
        {
            cluster.Clock.SetSpeed(speed);
        }
    }

    /// <summary>The claims of a JWT (its middle part), as jwt.io shows them.</summary>
    public static JsonObject Claims(string token)
    {
        var part = token.Trim().Split('.')[1].Replace('-', '+').Replace('_', '/');
        part += new string('=', (4 - part.Length % 4) % 4);
        return (JsonObject)JsonNode.Parse(Convert.FromBase64String(part))!;
    }
}
