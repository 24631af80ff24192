using Microsoft.Extensions.Hosting;

namespace KubeLab.Simulator;

/// <summary>A host lifetime that does not hook console signals (the default ConsoleLifetime would swallow SIGTERM/Ctrl+C of the embedding process).</summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
