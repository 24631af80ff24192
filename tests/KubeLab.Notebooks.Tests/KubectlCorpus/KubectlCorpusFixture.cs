using KubeLab.Simulator;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>One simulated cluster for the corpus, with a kubeconfig for the real kubectl.</summary>
public sealed class KubectlCorpusFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubelab-corpus-").FullName;
    public SimulatedCluster Cluster { get; private set; } = null!;
    public string Kubeconfig => Path.Combine(_dir, "config");

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync(new SimulatorOptions());
        Cluster.WriteKubeconfig(Kubeconfig);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
