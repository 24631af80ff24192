using System.Globalization;

namespace KubeLab;

/// <summary>Dialing a Service from inside the cluster: a client pod running agnhost netexec makes the connections.</summary>
public sealed partial class Lab
{
    /// <summary>agnhost's /dial answers after all its tries; the API server's proxy waits that long, so big counts go in slices.</summary>
    private const int TriesPerRequest = 100;

    /// <summary>
    /// Makes <paramref name="tries"/> HTTP requests <c>GET http://host:port/request</c> from the client pod
    /// <paramref name="clientPod"/> (agnhost <c>netexec</c> listening on <paramref name="clientPort"/>, default 8080), each on a new
    /// TCP connection (agnhost's <c>/dial</c>, kubernetes test/images/agnhost/netexec). The name is resolved once, inside the pod,
    /// through the cluster DNS; the pod's node then routes each new connection to a Service IP the way kube-proxy programmed it.
    /// With <paramref name="request"/> <c>hostname</c>, each answer names the backend pod that served it.
    /// The call itself goes through the API server's pod proxy to the client pod, so it works the same from a laptop and in CI.
    /// </summary>
    public async Task<DialResult> DialAsync(string clientPod, string host, int port, int tries = 100, string request = "hostname",
        int clientPort = 8080, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientPod);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tries, 100_000);
        var responses = new List<string>(tries);
        var errors = new List<string>();
        for (var done = 0; done < tries; done += TriesPerRequest)
        {
            var n = Math.Min(TriesPerRequest, tries - done);
            var path = $"/dial?request={Uri.EscapeDataString(request)}&host={Uri.EscapeDataString(host)}" +
                       $"&port={port.ToString(CultureInfo.InvariantCulture)}&protocol=http&tries={n.ToString(CultureInfo.InvariantCulture)}";
            var answer = await HttpGetAsync(clientPod, clientPort, path, ct).ConfigureAwait(false);
            if (!answer.ReachedContainer)
                throw new ServiceDialException($"Could not reach the client pod {clientPod}:{clientPort} to dial {host}:{port}: {answer.ProxyError}",
                    $"Is {clientPod} running agnhost netexec on port {clientPort}? Check `kubectl -n {Namespace} get pod {clientPod}` and its logs.");
            if (answer.StatusCode == 400)
                throw new ServiceDialException($"agnhost refused the dial parameters: {answer.Body.Trim()}", "host must be a name or IP, port a number.");
            var (ok, failed) = DialResult.ParseAgnhost(answer.Body);
            responses.AddRange(ok);
            errors.AddRange(failed);
        }
        return new DialResult(clientPod, host, port, responses, errors);
    }

    /// <summary>
    /// Dials <paramref name="host"/>:<paramref name="port"/> from <paramref name="clientPod"/> in small batches (<paramref name="tries"/>
    /// connections each, once a second) until <paramref name="condition"/> holds for a batch, and returns that batch. kube-proxy programs
    /// each node's rules asynchronously (kind: within about a second of an EndpointSlice change, longer on a busy node), so a client sees a
    /// new Service, a new endpoint or a removed one a little after the API does; wait with this before measuring.
    /// </summary>
    public Task<DialResult> WaitForDialAsync(string clientPod, string host, int port, Func<DialResult, bool> condition, string description,
        int tries = 10, TimeSpan? timeout = null, CancellationToken ct = default)
        => Polling.UntilAsync(() => DialAsync(clientPod, host, port, tries, ct: ct), condition, timeout, async (last, limit) =>
        {
            // A Service name (short or qualified): its EndpointSlices say whether anything was there to answer.
            var service = System.Net.IPAddress.TryParse(host, out _) ? null : host.Split('.')[0];
            var endpoints = service is null ? "" : $"\n  Endpoints: {await EndpointsAsync(service, ct).ConfigureAwait(false)}";
            return new WaitTimeoutException($"{clientPod} dialing {host}:{port}: {description}", limit, $"  The last {last.Tries} connections: {last}{endpoints}");
        }, ct);
}
