using System.Net.Http;

namespace KubeLab;

/// <summary>Reaching the cluster from the machine the notebook runs on, as a user outside the cluster would.</summary>
public sealed partial class Lab
{
    private static readonly HttpClient HostHttp = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// <c>GET http://localhost:<paramref name="port"/><paramref name="path"/></c> from this machine – e.g. a NodePort that
    /// environment/kind-cluster.yaml maps to the host (kind's extraPortMappings: 127.0.0.1:30080 → the control-plane node's
    /// port 30080; the simulator listens there itself). A refused or timed-out connection is a result (status 0), not an exception.
    /// <paramref name="timeout"/> (default 10 s, real time) is how long to wait for an answer: dropped packets never get one.
    /// </summary>
    public static async Task<HostHttpResult> HostGetAsync(int port, string path = "/", TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var url = $"http://localhost:{port}/{(path ?? "").TrimStart('/')}";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            using var response = await HostHttp.GetAsync(url, cts.Token).ConfigureAwait(false);
            return new HostHttpResult(url, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false), null);
        }
        catch (HttpRequestException e)
        {
            return new HostHttpResult(url, 0, "", e.InnerException?.Message ?? e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HostHttpResult(url, 0, "", $"no answer within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Repeats <see cref="HostGetAsync"/> (about once a second) until an answer satisfies <paramref name="condition"/>; throws
    /// <see cref="WaitTimeoutException"/> with the last answer after <paramref name="timeout"/> (default 1 min, real time). A host
    /// port answers only once the node port is programmed: on kind kube-proxy needs a moment after the Service appears, and the
    /// simulator opens its 127.0.0.1 listener when kube-proxy has the rule.
    /// </summary>
    public static Task<HostHttpResult> WaitForHostGetAsync(int port, string path, Func<HostHttpResult, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken ct = default)
        => Polling.UntilAsync(() => HostGetAsync(port, path, ct: ct), condition, timeout,
            (last, limit) => Task.FromResult(new WaitTimeoutException($"localhost:{port}: {description}", limit, $"  The last answer: {last}")), ct);
}

/// <summary>The answer to a GET from the host; <see cref="Error"/> when no HTTP answer came (refused, timed out).</summary>
public sealed record HostHttpResult(string Url, int StatusCode, string Body, string? Error)
{
    public bool IsSuccess => Error is null && StatusCode is >= 200 and < 300;
    public override string ToString() => Error is null ? $"GET {Url} → {StatusCode}\n{Body.TrimEnd()}" : $"GET {Url} → no answer: {Error}";
}
