using k8s.Models;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// An httpGet probe as the kubelet makes it (pkg/probe/http/http.go, request.go): a GET from the NODE (not from inside
/// the pod) to scheme://host:port/path with <c>User-Agent: kube-probe/1.32</c> and <c>Accept: */*</c> unless the probe's
/// httpHeaders set them (a <c>Host</c> header becomes the request's host). 200 ≤ status &lt; 400 succeeds; a redirect to the
/// same host is followed (at most 10), one to another host is not followed and is a success with a ProbeWarning; any
/// other status fails with <c>HTTP probe failed with statuscode: N</c> (never the body, issue 99425). Connection errors
/// and timeouts fail with Go's url.Error text: <c>Get "http://10.244.1.5:8080/healthz": dial tcp …: connect: connection refused</c>.
/// HTTPS is sent like HTTP (the prober skips certificate checks; the modelled network carries HTTP only).
/// </summary>
public sealed class HttpGetProbe(ClusterNetwork network, TimeProvider time, string nodeIp)
{
    /// <summary>The kubelet's minor version in the User-Agent (kind v1.32 nodes).</summary>
    public const string UserAgent = "kube-probe/1.32";

    private const int MaxRedirects = 10;

    public async Task<ProbeOutcome> RunAsync(V1HTTPGetAction action, V1Container container, string podIp, TimeSpan timeout, CancellationToken ct)
    {
        if (!ContainerPort.TryResolve(action.Port, container, out var port, out var portError)) return ProbeOutcome.Unknown(portError);
        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        var host = string.IsNullOrEmpty(action.Host) ? podIp : action.Host;
        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path.StartsWith('/') ? action.Path : "/" + action.Path;

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in action.HttpHeaders ?? []) headers.TryAdd(h.Name, h.Value ?? "");
        headers.TryAdd("User-Agent", UserAgent);
        headers.TryAdd("Accept", "*/*");
        headers.Remove("Host", out var hostHeader);

        // The client's timeout covers the whole exchange, redirects included (http.Client.Timeout).
        var expires = time.GetUtcNow() + timeout;
        for (var redirects = 0; ; redirects++)
        {
            var url = $"{scheme}://{host}:{port}{path}";
            var left = expires - time.GetUtcNow();
            var response = await SendAsync(host, port, path, hostHeader ?? $"{host}:{port}", headers, left, ct).ConfigureAwait(false);
            if (response.Error is { } error) return ProbeOutcome.Failure($"Get \"{url}\": {error}");
            var r = response.Response!;
            if (r.StatusCode is 301 or 302 or 303 or 307 or 308 && Location(r) is { } location)
            {
                // Follow redirects on the same host only (RedirectChecker with followNonLocalRedirects=false).
                var target = new Uri(new Uri(url), location);
                if (target.Host == host && target.Scheme is "http" or "https")
                {
                    if (redirects == MaxRedirects) return ProbeOutcome.Failure($"Get \"{target}\": stopped after {MaxRedirects} redirects");
                    (scheme, port, path) = (target.Scheme, target.Port, target.PathAndQuery);
                    continue;
                }
            }
            if (r.StatusCode is >= 200 and < 300) return ProbeOutcome.Success(r.BodyText);
            if (r.StatusCode is >= 300 and < 400) return ProbeOutcome.Warning($"Probe terminated redirects, Response body: {r.BodyText}");
            return ProbeOutcome.Failure($"HTTP probe failed with statuscode: {r.StatusCode}");
        }
    }

    private static string? Location(HttpResponseMessageModel r) =>
        r.Headers.FirstOrDefault(h => h.Key.Equals("Location", StringComparison.OrdinalIgnoreCase)).Value;

    private async Task<(HttpResponseMessageModel? Response, string? Error)> SendAsync(
        string host, int port, string pathAndQuery, string hostHeader, Dictionary<string, string> headers, TimeSpan left, CancellationToken ct)
    {
        var ip = network.Resolve(null, host);
        if (ip is null) return (null, $"dial tcp: lookup {host}: no such host");
        // The node's own loopback: no container of the pod listens there.
        if (ip == "127.0.0.1") return (null, NetworkException.Refused(ip, port).Message);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var request = new HttpRequestMessageModel("GET", pathAndQuery, hostHeader, headers, [], nodeIp);
            var deadline = time.GetUtcNow() + (left > TimeSpan.Zero ? left : TimeSpan.Zero);
            // When the server answered, in simulated time: on a stalled machine the clock may pass both the server's delay and the
            // client's deadline before either timer runs, and whichever runs first must not decide.
            var answeredAt = DateTimeOffset.MaxValue;
            var sending = network.SendAsync(null, ip, port, request, timeoutCts.Token)
                .ContinueWith(t => { answeredAt = time.GetUtcNow(); return t; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .Unwrap();
            // A server that answers at once is never late, however fast the clock runs (the deadline is simulated time).
            var response = await sending.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, ct).ConfigureAwait(false);
            if (answeredAt > deadline) throw new TimeoutException();
            return (response, null);
        }
        catch (NetworkException e) { return (null, e.Message); }
        catch (TimeoutException)
        {
            await timeoutCts.CancelAsync().ConfigureAwait(false); // tell the handler the client went away
            return (null, TimeoutText);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return (null, TimeoutText); }
        catch (Exception e) when (e is not OperationCanceledException) { return (null, "EOF"); } // the server broke the connection
    }

    private const string TimeoutText = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
}
