using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>How a run picks and announces its cluster. A kind cluster is stood in for by a kubeconfig whose context is named
/// kind-k8s-course but points at a simulator (real HTTP, real /version).</summary>
[Collection(NotebookCollection.Name)]
public sealed class ClusterSessionTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("kubelab-session-").FullName;
    private readonly string? _kubeconfigBefore = Environment.GetEnvironmentVariable("KUBECONFIG");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("KUBECONFIG", _kubeconfigBefore);
        Directory.Delete(_temp, recursive: true);
    }

    [Fact]
    public async Task The_simulator_session_writes_its_kubeconfig_sets_the_environment_and_restores_it()
    {
        var contextBefore = Environment.GetEnvironmentVariable(ClusterSession.ContextVariable);
        await using (var session = await ClusterSession.OpenAsync(ClusterChoice.Sim, _temp))
        {
            Assert.Equal("sim", session.Label);
            Assert.Equal(Path.Combine(_temp, "kubeconfig-sim.yaml"), session.KubeconfigPath);
            Assert.Contains("kubelab-sim", File.ReadAllText(session.KubeconfigPath));
            Assert.Equal(session.KubeconfigPath, Environment.GetEnvironmentVariable("KUBECONFIG"));
            Assert.Equal("kubelab-sim", Environment.GetEnvironmentVariable(ClusterSession.ContextVariable));
            Assert.True(await KindCluster.IsReachableAsync(session.KubeconfigPath, TimeSpan.FromSeconds(2)) is false,
                "a kubeconfig without the kind context is not the kind cluster");
        }
        Assert.Equal(_kubeconfigBefore, Environment.GetEnvironmentVariable("KUBECONFIG"));
        Assert.Equal(contextBefore, Environment.GetEnvironmentVariable(ClusterSession.ContextVariable));
    }

    [Fact]
    public async Task A_notebook_that_left_the_clock_fast_does_not_speed_up_the_next_one()
    {
        await using var session = await ClusterSession.OpenAsync(ClusterChoice.Sim, _temp, clockSpeed: 2);
        session.Simulator!.Clock.SetSpeed(60); // e.g. a CronJob section that failed before its last cell set 1× back
        session.PrepareForNextNotebook();
        Assert.Equal(2, session.Simulator.Clock.Speed);
    }

    [Fact]
    public async Task Auto_takes_the_kind_context_when_it_answers_and_the_simulator_when_it_does_not()
    {
        await using var standIn = await ClusterSession.StartSimulatorAsync(Path.Combine(_temp, "sim.yaml"));
        var kindConfig = Path.Combine(_temp, "kind.yaml");
        File.WriteAllText(kindConfig, File.ReadAllText(standIn.KubeconfigPath).Replace("kubelab-sim", KindCluster.ContextName));
        Assert.True(await KindCluster.IsReachableAsync(kindConfig, TimeSpan.FromSeconds(2)));

        Environment.SetEnvironmentVariable("KUBECONFIG", kindConfig);
        await using (var auto = await ClusterSession.OpenAsync(ClusterChoice.Auto, Path.Combine(_temp, "out-a")))
        {
            Assert.Equal(ClusterChoice.Kind, auto.Kind);
            Assert.Equal(KindCluster.ContextName, Environment.GetEnvironmentVariable(ClusterSession.ContextVariable));
            Assert.Null(auto.Notice);
        }

        // Same context, but nothing listens on its port any more: auto falls back to the simulator within ~2 s.
        var closedPort = File.ReadAllText(kindConfig).Replace(standIn.Server!.Authority, "127.0.0.1:9");
        File.WriteAllText(kindConfig, closedPort);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var fallback = await ClusterSession.OpenAsync(ClusterChoice.Auto, Path.Combine(_temp, "out-b")))
        {
            Assert.Equal(ClusterChoice.Sim, fallback.Kind);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            // Never silently: the reason is there for the runner to print on stderr.
            Assert.StartsWith("warning: --cluster auto: the kind cluster (context kind-k8s-course in ", fallback.Notice);
            Assert.Contains("did not answer", fallback.Notice);
            Assert.Contains("--cluster kind", fallback.Notice);
        }

        Environment.SetEnvironmentVariable("KUBECONFIG", kindConfig);
        var e = await Assert.ThrowsAsync<ClusterUnavailableException>(() => ClusterSession.OpenAsync(ClusterChoice.Kind, _temp));
        Assert.Contains("does not answer", e.Message);
        Assert.Contains("kubelab up", e.Message);
        Assert.Contains("--cluster sim", e.Message);
    }

    [Fact]
    public async Task Auto_without_a_kind_context_says_why_it_uses_the_simulator_and_kind_refuses()
    {
        var empty = Path.Combine(_temp, "no-such-kubeconfig");
        Environment.SetEnvironmentVariable("KUBECONFIG", empty);
        await using (var auto = await ClusterSession.OpenAsync(ClusterChoice.Auto, Path.Combine(_temp, "out-c")))
        {
            Assert.Equal(ClusterChoice.Sim, auto.Kind);
            Assert.Contains("no kind cluster (context kind-k8s-course is not in", auto.Notice);
            Assert.Contains("kubelab up", auto.Notice);
        }
        await using (var sim = await ClusterSession.OpenAsync(ClusterChoice.Sim, Path.Combine(_temp, "out-d")))
            Assert.Null(sim.Notice); // asked for explicitly: nothing to explain
        var e = await Assert.ThrowsAsync<ClusterUnavailableException>(() => ClusterSession.OpenAsync(ClusterChoice.Kind, _temp));
        Assert.Contains("there is no kind cluster", e.Message);
    }
}
