using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace KubeLab.Simulator.Tests;

/// <summary>One simulated cluster per test class, plus helpers for raw HTTP and the real kubectl.</summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>How the fixture's cluster is started; fixtures for a fast clock override it.</summary>
    protected virtual SimulatorOptions Options => new();

    /// <summary>The ConfigMap root-ca-cert-publisher puts in every namespace; tests that list ConfigMaps leave it out.</summary>
    public const string RootCaConfigMap = "kube-root-ca.crt";

    public SimulatedCluster Cluster { get; private set; } = null!;
    public IKubernetes Client { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string KubeconfigPath { get; } = Path.Combine(Path.GetTempPath(), "kubelab-sim-tests", Guid.NewGuid().ToString("N"), "config");

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync(Options);
        Client = Cluster.CreateClient();
        Http = Cluster.CreateHttpClient();
        Http.Timeout = TimeSpan.FromSeconds(30);
        Cluster.WriteKubeconfig(KubeconfigPath);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Client.Dispose();
        await Cluster.DisposeAsync();
        try { Directory.Delete(Path.GetDirectoryName(KubeconfigPath)!, true); } catch (IOException) { }
    }

    /// <summary>A fresh namespace so tests in one class do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = name } });
        // root-ca-cert-publisher adds ConfigMap kube-root-ca.crt to every namespace (as on kind): wait for it, so it is there
        // from the start instead of appearing in the middle of a test.
        for (var i = 0; i < 100; i++)
        {
            try { await Client.CoreV1.ReadNamespacedConfigMapAsync(RootCaConfigMap, name); break; }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { await Task.Delay(20); }
        }
        return name;
    }

    public async Task<(int Status, JsonObject? Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var resp = await Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try { json = JsonNode.Parse(text) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return ((int)resp.StatusCode, json);
    }

    public Task<KubectlResult> KubectlAsync(params string[] args) => KubectlWithInputAsync(null, args);

    /// <summary>Runs kubectl and fails the test with its output unless it exits 0.</summary>
    public async Task<KubectlResult> KubectlOkAsync(params string[] args)
    {
        var r = await KubectlAsync(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    public async Task<KubectlResult> KubectlWithInputAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        // kubectl refuses flags before the command name (plugin lookup), so the kubeconfig goes last.
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig=" + KubeconfigPath);
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new KubectlResult(p.ExitCode, await stdout, await stderr);
    }

    public Process StartKubectl(params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // kubectl refuses flags before the command name (plugin lookup), so the kubeconfig goes last.
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig=" + KubeconfigPath);
        return Process.Start(psi)!;
    }
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Small builders for test objects.</summary>
public static class Objects
{
    public static k8s.Models.V1Pod Pod(string name, IDictionary<string, string>? labels = null, string image = "nginx:1.27") => new()
    {
        Metadata = new() { Name = name, Labels = labels },
        Spec = new() { Containers = [new() { Name = "app", Image = image }] },
    };

    public static k8s.Models.V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new() { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    public static async Task<int> StatusOf(Func<Task> action)
    {
        try { await action(); return 0; }
        catch (k8s.Autorest.HttpOperationException e) { return (int)e.Response.StatusCode; }
    }

    public static async Task<k8s.Autorest.HttpOperationException> Fails(Func<Task> action)
        => await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(action);

    public static JsonObject StatusBody(this k8s.Autorest.HttpOperationException e) => (JsonObject)JsonNode.Parse(e.Response.Content)!;
}
