using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>ONE simulated cluster for a test class, announced to notebooks exactly as <c>kubelab run --cluster sim</c> does
/// (<see cref="ClusterSession"/>: KUBECONFIG + KUBELAB_CONTEXT).</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public string OutputDirectory { get; } = Path.Combine(TestPaths.Root, "artifacts", "test-notebooks");
    public ClusterSession Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(OutputDirectory);
        Session = await ClusterSession.OpenAsync(ClusterChoice.Sim, OutputDirectory);
    }

    public async Task DisposeAsync() => await Session.DisposeAsync();
}
