using k8s;

namespace KubeLab.Simulator.Controllers;

/// <summary>
/// Starts the simulated control-plane components (scheduler, kubelet model, controllers).
/// Like kube-controller-manager, every component talks to the API server only through a client.
/// </summary>
public static class ControllerManager
{
    // Placeholder until the controllers land: starts nothing.
    public static Task<IAsyncDisposable> StartAsync(IKubernetes client, TimeProvider time, CancellationToken cancellationToken = default)
        => Task.FromResult<IAsyncDisposable>(new Nothing());

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
