using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>
/// A whole simulated cluster with real kubelets, runtime and pod network, on a clock 10× real time so that sleeps, back-offs
/// and probe periods pass quickly. Objects are applied with the real kubectl; waits poll the API with generous real-time bounds.
/// </summary>
public sealed class EndToEndCluster : ClusterFixture
{
    public const double Speed = 10;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);

    protected override SimulatorOptions Options => new() { ClockSpeed = Speed };

    /// <summary><c>kubectl apply -f -</c> of the given manifest into <paramref name="ns"/>.</summary>
    /// <summary>A bare nginx:1.27 pod serving on port 80, Running.</summary>
    public async Task RunNginxAsync(string ns, string name)
    {
        await ApplyAsync(ns, $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
                ports:
                - containerPort: 80
            """);
        await WaitForRunningAsync(ns, name);
    }

    public async Task ApplyAsync(string ns, string yaml)
    {
        var r = await KubectlWithInputAsync(yaml, "apply", "-n", ns, "-f", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    /// <summary>Polls the pod until <paramref name="done"/> holds; fails with the pod's last status otherwise.</summary>
    public async Task<V1Pod> WaitForPodAsync(string ns, string name, Func<V1Pod, bool> done, string what)
    {
        var sw = Stopwatch.StartNew();
        V1Pod? pod = null;
        while (sw.Elapsed < WaitLimit)
        {
            try
            {
                pod = await Client.CoreV1.ReadNamespacedPodAsync(name, ns);
                if (done(pod)) return pod;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            await Task.Delay(100);
        }
        Assert.Fail($"pod {ns}/{name} never became {what}; last status: {KubernetesJson.Serialize(pod?.Status)}");
        return null!;
    }

    public Task<V1Pod> WaitForRunningAsync(string ns, string name) =>
        WaitForPodAsync(ns, name, p => p.Status?.Phase == "Running" && p.Status.ContainerStatuses?.All(c => c.State?.Running is not null) == true, "Running");

    public Task<V1Pod> WaitForReadyAsync(string ns, string name) =>
        WaitForPodAsync(ns, name, IsReady, "Ready");

    public Task<V1Pod> WaitForPhaseAsync(string ns, string name, string phase) =>
        WaitForPodAsync(ns, name, p => p.Status?.Phase == phase, phase);

    public static bool IsReady(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The pods matching a label selector, once there are <paramref name="count"/> of them.</summary>
    public async Task<IList<V1Pod>> WaitForPodsAsync(string ns, string selector, int count, Func<V1Pod, bool> done, string what)
    {
        var sw = Stopwatch.StartNew();
        IList<V1Pod> pods = [];
        while (sw.Elapsed < WaitLimit)
        {
            pods = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector)).Items;
            if (pods.Count == count && pods.All(done)) return pods;
            await Task.Delay(100);
        }
        Assert.Fail($"pods {selector} in {ns} never became {count} × {what}; saw {pods.Count}: " +
            string.Join("; ", pods.Select(p => $"{p.Metadata.Name} {p.Status?.Phase}")));
        return null!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (real time, generous bound).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < WaitLimit)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail(describe());
    }

    /// <summary>The namespace's events as "Reason: message" lines.</summary>
    public async Task<List<string>> EventsAsync(string ns, string involvedName)
    {
        var list = await Client.CoreV1.ListNamespacedEventAsync(ns);
        return list.Items.Where(e => e.InvolvedObject?.Name == involvedName).Select(e => $"{e.Reason}: {e.Message}").ToList();
    }

    /// <summary>kubectl with the kubeconfig flag before <c>--</c> (for <c>kubectl exec … -- cmd</c>).</summary>
    public Task<KubectlResult> ExecAsync(string? stdin, params string[] args) =>
        Api.PodSubresources.KubectlExec.RunAsync(this, stdin, args);
}
