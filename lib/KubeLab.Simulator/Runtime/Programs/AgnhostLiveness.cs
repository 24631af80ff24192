using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// <c>agnhost liveness</c> (kubernetes test/images/agnhost/liveness/server.go), the server of the liveness-probe docs
/// example: :8080 /healthz answers 200 "ok" while less than 10 s have passed since start, then 500 "error: &lt;seconds&gt;";
/// /started the time since start; /redirect?loc= a 302. Anything else: Go's "404 page not found". Logs nothing.
/// </summary>
public static class AgnhostLiveness
{
    public const int Port = 8080;

    public static async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> args, CancellationToken kill)
    {
        var (_, error) = CobraFlags.Parse(args, [], []);
        if (error is not null)
        {
            await process.Stderr.WriteAsync($"Error: {error}\nUsage:\n  app liveness [flags]\n", kill).ConfigureAwait(false);
            return 0;
        }
        var started = process.Time.GetUtcNow();
        IDisposable listener;
        try { listener = process.Sandbox.Listen(Port, process.ContainerName, (r, _) => Task.FromResult(Handle(process, started, r))); }
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

    public static HttpResponseMessageModel Handle(ProcessContext process, DateTimeOffset started, HttpRequestMessageModel request)
    {
        var since = process.Time.GetUtcNow() - started;
        switch (request.Path)
        {
            case "/healthz":
                return since.TotalSeconds > 10
                    ? HttpResponseMessageModel.Text(500, "error: " + GoFormats.Float(since.TotalSeconds))
                    : HttpResponseMessageModel.Text(200, "ok");
            case "/started":
                return HttpResponseMessageModel.Text(200, GoFormats.Duration(since));
            case "/redirect":
                var loc = request.QueryValue("loc") ?? "";
                return HttpResponseMessageModel.Text(302, request.Method == "GET" ? $"<a href=\"{loc}\">Found</a>.\n\n" : "", "text/html; charset=utf-8")
                    with { Headers = new Dictionary<string, string> { ["Location"] = loc } };
            default:
                return HttpResponseMessageModel.Text(404, "404 page not found\n");
        }
    }
}
