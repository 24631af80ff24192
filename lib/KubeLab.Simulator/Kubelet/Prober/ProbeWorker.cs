using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// One probe of one container instance (pkg/kubelet/prober/worker.go): the first attempt initialDelaySeconds after
/// the container started, then one every periodSeconds. Liveness and readiness wait (skip their turns) until the
/// container has started; the startup probe stops once it has. A result counts only after successThreshold /
/// failureThreshold equal results in a row; a liveness or startup failure past the threshold kills the container and
/// this worker stops ("on hold" until a new container ID – here: until the next instance gets its own workers).
/// No start-up jitter: the kubelet only sleeps a random part of the period for workers created right after the kubelet
/// itself restarted, which the simulator never does.
/// </summary>
internal sealed class ProbeWorker(ContainerProbes owner, ProbeType type, V1Probe probe, ProbeRunner runner, TimeProvider time)
{
    // Validation requires successThreshold 1 for liveness and startup probes.
    private readonly ProbeSettings settings = type == ProbeType.Readiness ? ProbeSettings.Of(probe) : ProbeSettings.Of(probe) with { SuccessThreshold = 1 };
    private ProbeResult? last;
    private int run;

    public ProbeType Type => type;

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var wait = owner.Container.StartedAt + settings.InitialDelay - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct).ConfigureAwait(false);
            using var ticker = new PeriodicTimer(settings.Period, time);
            while (await ProbeOnceAsync(ct).ConfigureAwait(false))
                await ticker.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One turn of the loop; false ends the worker.</summary>
    private async Task<bool> ProbeOnceAsync(CancellationToken ct)
    {
        if (owner.Disposed) return false;
        if (type == ProbeType.Startup && owner.Started) return false;
        if (type != ProbeType.Startup && !owner.Started) return true; // other probes wait for the startup probe

        var result = await runner.ProbeAsync(type, probe, owner.Container, settings.Timeout, ct).ConfigureAwait(false);
        if (result == ProbeResult.Unknown) return true; // the probe could not run: throw the result away
        if (result == last) run++;
        else (last, run) = (result, 1);
        if (result == ProbeResult.Failure ? run < settings.FailureThreshold : run < settings.SuccessThreshold) return true;
        return owner.Report(type, result);
    }
}
