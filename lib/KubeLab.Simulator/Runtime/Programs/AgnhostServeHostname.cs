using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// <c>agnhost serve-hostname</c> (kubernetes test/images/agnhost/serve-hostname/serve_hostname.go): answers every HTTP
/// request on --port (9376) with the hostname, logging "HTTP request from ip:port". On SIGTERM it logs and keeps running
/// ("Awaiting pod deletion.") for 60 s, so the kubelet's grace period decides (SIGKILL after 30 s by default).
/// Raw --tcp/--udp modes are not modelled.
/// </summary>
public static class AgnhostServeHostname
{
    public const int DefaultPort = 9376;

    public static async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> args, CancellationToken kill)
    {
        var (flags, error) = CobraFlags.Parse(args, ["tcp", "udp", "http", "close", "port"], ["tcp", "udp", "http", "close"]);
        error ??= flags.IntError("port");
        if (error is not null)
        {
            await process.Stderr.WriteAsync($"Error: {error}\nUsage:\n  app serve-hostname [flags]\n", kill).ConfigureAwait(false);
            return 0;
        }
        Task Log(string text) => process.Stderr.WriteAsync(GoFormats.LogPrefix(process.Time.GetUtcNow()) + text + "\n", CancellationToken.None).AsTask();
        var http = flags.Bool("http", true);
        if (http && (flags.Bool("tcp", false) || flags.Bool("udp", false)))
        {
            await Log("Can't server TCP/UDP mode and HTTP mode at the same time");
            return 1;
        }
        var port = flags.Int("port", DefaultPort);
        IDisposable? listener = null;
        if (http)
        {
            try
            {
                listener = process.Sandbox.Listen(port, process.ContainerName, async (request, _) =>
                {
                    await Log($"HTTP request from {request.RemoteIp}:{Random.Shared.Next(32768, 61000)}");
                    return HttpResponseMessageModel.Text(200, process.Sandbox.Hostname);
                });
            }
            catch (NetworkException e)
            {
                await Log($"Serving on port {port}.");
                await Log(e.Message);
                return 1;
            }
        }
        using (listener)
        {
            await Log($"Serving on port {port}.");
            var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
            if (stop == StopReason.Killed) return ProcessSignals.KilledStatus;
            await Log("Shutting down after receiving signal: terminated.");
            await Log("Awaiting pod deletion.");
            return await ProcessSignals.SleepAsync(process, TimeSpan.FromSeconds(60), kill).ConfigureAwait(false) ? 0 : ProcessSignals.KilledStatus;
        }
    }
}
