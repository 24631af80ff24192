using KubeLab.Simulator;

namespace KubeLab.Tests;

/// <summary>One simulated cluster per test class, reached like any cluster: through a kubeconfig file and its context.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public SimulatedCluster Cluster { get; private set; } = null!;
    public string KubeconfigPath { get; } = Path.Combine(Path.GetTempPath(), "kubelab-tests", Guid.NewGuid().ToString("N"), "config");
    public string ManifestsRoot { get; } = Path.Combine(Path.GetTempPath(), "kubelab-tests", Guid.NewGuid().ToString("N"), "manifests");

    public LabOptions Options => new() { Kubeconfig = KubeconfigPath, Context = SimulatedCluster.ContextName, ManifestsRoot = ManifestsRoot };

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync();
        Cluster.WriteKubeconfig(KubeconfigPath);
        Directory.CreateDirectory(ManifestsRoot);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
