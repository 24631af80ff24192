using System.Reflection;
using KubeLab.Simulator;

namespace KubeLab.Connection;

/// <summary>The running embedded simulator as KubeLab needs it: its kubeconfig and URL.</summary>
internal sealed record SimulatorHandle(string KubeconfigYaml, Uri Url, Func<Task> Stop);

/// <summary>
/// One in-process simulated cluster per process, shared by every Lab, stopped when the process exits.
/// Used when no kind cluster is running, so notebooks work on any machine.
/// </summary>
internal static class EmbeddedSimulator
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static SimulatorHandle? _handle;

    public static async Task<SimulatorHandle> GetAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_handle is not null) return _handle;
            try
            {
                _handle = SimulatorLoadContext.HostHasAspNetCore()
                    ? await StartDirectAsync(ct).ConfigureAwait(false)
                    : await StartIsolatedAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                throw new ClusterUnreachableException(ContextGuard.SimulatorContext, "https://127.0.0.1",
                    $"No course cluster answered and the embedded simulator could not start: {cause.Message}\n" +
                    "  Hint: start the kind cluster with `kubelab up`, or check that this process may listen on 127.0.0.1.", cause);
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly();
            return _handle;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<SimulatorHandle> StartDirectAsync(CancellationToken ct)
    {
        var cluster = await SimulatedCluster.StartAsync(SimulatorOptions.Course, ct).ConfigureAwait(false);
        return new SimulatorHandle(cluster.KubeconfigYaml, cluster.Url, () => cluster.DisposeAsync().AsTask());
    }

    /// <summary>Starts the simulator inside <see cref="SimulatorLoadContext"/> (hosts without ASP.NET Core), via reflection.</summary>
    internal static async Task<SimulatorHandle> StartIsolatedAsync(CancellationToken ct)
    {
        var aspnet = SimulatorLoadContext.FindAspNetCoreFolder()
            ?? throw new InvalidOperationException("the ASP.NET Core shared framework (Microsoft.AspNetCore.App) is not installed next to this .NET runtime.");
        var kubeLabFolder = Path.GetDirectoryName(typeof(EmbeddedSimulator).Assembly.Location)
            ?? throw new InvalidOperationException("KubeLab.dll has no folder on disk, so KubeLab.Simulator.dll cannot be found.");
        var context = new SimulatorLoadContext(aspnet, kubeLabFolder);
        var assembly = context.LoadFromAssemblyPath(Path.Combine(kubeLabFolder, "KubeLab.Simulator.dll"));
        var type = assembly.GetType(typeof(SimulatedCluster).FullName!, throwOnError: true)!;
        var start = type.GetMethod(nameof(SimulatedCluster.StartAsync), BindingFlags.Public | BindingFlags.Static)!;
        // The course's options (kind's port mappings) come from the isolated assembly's own SimulatorOptions type.
        var optionsType = assembly.GetType(typeof(SimulatorOptions).FullName!, throwOnError: true)!;
        var course = optionsType.GetProperty(nameof(SimulatorOptions.Course), BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
        var task = (Task)start.Invoke(null, [course, ct])!;
        await task.ConfigureAwait(false);
        var cluster = task.GetType().GetProperty("Result")!.GetValue(task)!;
        var yaml = (string)type.GetProperty(nameof(SimulatedCluster.KubeconfigYaml))!.GetValue(cluster)!;
        var url = (Uri)type.GetProperty(nameof(SimulatedCluster.Url))!.GetValue(cluster)!;
        var dispose = type.GetMethod(nameof(SimulatedCluster.DisposeAsync))!;
        return new SimulatorHandle(yaml, url, () => ((ValueTask)dispose.Invoke(cluster, null)!).AsTask());
    }

    private static void StopQuietly()
    {
        try { _handle?.Stop().Wait(TimeSpan.FromSeconds(3)); }
        catch (Exception) { /* the process is exiting anyway */ }
    }
}
