using System.Text;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using Microsoft.Extensions.Primitives;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /consumer of registry.k8s.io/e2e-test-images/resource-consumer (kubernetes test/images/resource-consumer/
/// resource_consumer.go): serves --port (8080) with <see cref="ResourceConsumerServer"/>, recording what it is asked to burn
/// in the cluster's <see cref="ResourceConsumption"/> ledger under the Pod's uid (what metrics-server then reports).
/// A failed listen is log.Fatal's line and status 1; SIGTERM ends it as a Go PID 1 without a handler (status 2).
/// </summary>
public sealed class ResourceConsumerProgram(ResourceConsumption consumption) : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var port = ResourceConsumerServer.Port;
        for (var i = 1; i < argv.Count; i++)
        {
            var a = argv[i].TrimStart('-');
            if (a.StartsWith("port=", StringComparison.Ordinal)) int.TryParse(a[5..], out port);
            else if (a == "port" && i + 1 < argv.Count) int.TryParse(argv[++i], out port);
        }
        IDisposable listener;
        try { listener = process.Sandbox.Listen(port, process.ContainerName, (r, _) => Task.FromResult(Handle(process, r))); }
        catch (NetworkException e)
        {
            await process.Stderr.WriteAsync(GoFormats.LogPrefix(process.Time.GetUtcNow()) + e.Message + "\n", kill).ConfigureAwait(false);
            return 1;
        }
        using (listener)
        {
            var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
            return stop == StopReason.Killed ? ProcessSignals.KilledStatus : AgnhostProgram.GoSigtermStatus;
        }
    }

    private HttpResponseMessageModel Handle(ProcessContext process, HttpRequestMessageModel request)
    {
        var form = HttpForm.Parse(request).ToDictionary(kv => kv.Key, kv => new StringValues(kv.Value.ToArray()), StringComparer.Ordinal);
        var answer = ResourceConsumerServer.Handle(request.Method, request.Path, form, process.Sandbox.Uid, consumption, process.Time.GetUtcNow());
        return new HttpResponseMessageModel(answer.StatusCode, Encoding.UTF8.GetBytes(answer.Body), "text/plain; charset=utf-8");
    }
}
