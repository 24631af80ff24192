using System.Globalization;
using System.Net;
using KubeLab.Connection;

namespace KubeLab;

/// <summary>What a <see cref="CpuLoad.ConsumeAsync"/> call sent, on the cluster's clock.</summary>
public sealed record CpuLoadResult(string Service, int Millicores, int DurationSeconds, int Requests, DateTimeOffset SentAt, IReadOnlyList<string> Responses)
{
    /// <summary>When the last burst stops by itself (cluster time).</summary>
    public DateTimeOffset EndsAt => SentAt.AddSeconds(DurationSeconds);
}

/// <summary>
/// Drives CPU load into <c>registry.k8s.io/e2e-test-images/resource-consumer</c> pods the way the Kubernetes e2e tests do:
/// <c>POST /ConsumeCPU?millicores=M&amp;durationSec=S</c> through the API server's service proxy
/// (<c>/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/…</c>), so no port-forward or in-cluster client is needed. Works the
/// same on kind and on the simulator.
/// </summary>
public static class CpuLoad
{
    /// <summary>The image the course uses (tag pinned); it serves on port 8080.</summary>
    public const string Image = "registry.k8s.io/e2e-test-images/resource-consumer:1.13";

    /// <summary>
    /// Asks the Service's pods to burn <paramref name="millicores"/> in total for <paramref name="durationSeconds"/> (cluster
    /// seconds). The load goes out as ceil(millicores / requestMillicores) requests of at most
    /// <paramref name="requestMillicores"/> each; the proxy sends each request to one ready pod, so the load spreads over the
    /// pods that are ready now. Pods added later (by the HPA) get none of it – send again to spread it over them.
    /// </summary>
    /// <remarks>
    /// A Service whose pods are not ready yet (or whose endpoints the endpoints controller has not written yet) makes the proxy
    /// answer 503; each request is retried every second until <paramref name="waitForEndpoints"/> (default 2 minutes, real
    /// time) has passed, then <see cref="CpuLoadException"/> says so.
    /// </remarks>
    public static async Task<CpuLoadResult> ConsumeAsync(Lab lab, string service, int millicores, int durationSeconds,
        int port = 8080, int requestMillicores = 100, TimeSpan? waitForEndpoints = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentOutOfRangeException.ThrowIfLessThan(millicores, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(durationSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(requestMillicores, 1);
        // One consumer process burns at most one core.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(requestMillicores, 1000);
        var client = lab.Client as LabKubernetes
            ?? throw new InvalidOperationException("CpuLoad needs the Lab's own client (lab.Client).");

        var patience = waitForEndpoints ?? TimeSpan.FromMinutes(2);
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, TimeSpan.Zero);
        DateTimeOffset? sentAt = null;
        var responses = new List<string>();
        for (var left = millicores; left > 0; left -= requestMillicores)
        {
            var m = Math.Min(left, requestMillicores);
            var path = $"api/v1/namespaces/{lab.Namespace}/services/{service}:{port.ToString(CultureInfo.InvariantCulture)}/proxy/ConsumeCPU" +
                       $"?millicores={m.ToString(CultureInfo.InvariantCulture)}&durationSec={durationSeconds.ToString(CultureInfo.InvariantCulture)}";
            var waitingSince = DateTime.UtcNow;
            while (true)
            {
                var (status, body) = await client.SendAsync(HttpMethod.Post, path, ct: ct).ConfigureAwait(false);
                if (status == HttpStatusCode.OK)
                {
                    // The load starts with the first request the consumer accepted.
                    sentAt ??= await lab.Clock.NowAsync(ct).ConfigureAwait(false);
                    responses.Add(body);
                    break;
                }
                // Worth waiting out: 503, no ready endpoint behind the Service (yet); and a 404 for the Endpoints object, which the
                // endpoints controller writes a moment after the Service exists (1.32's service proxy reads it: `endpoints "web" not found`).
                var endpointsMissing = status == HttpStatusCode.NotFound && MessageOf(body) == $"endpoints \"{service}\" not found";
                if (status != HttpStatusCode.ServiceUnavailable && !endpointsMissing)
                    throw new CpuLoadException($"POST /{path} answered {(int)status}: {MessageOf(body)}\n" + Hint(status, service, port));
                if (DateTime.UtcNow - waitingSince >= patience)
                    throw new CpuLoadException($"POST /{path} answered {(int)status} for {patience.TotalSeconds:0} s: {MessageOf(body)}\n" + Hint(HttpStatusCode.ServiceUnavailable, service, port));
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
        return new CpuLoadResult(service, millicores, durationSeconds, responses.Count, sentAt!.Value, responses);
    }

    /// <summary>The API server answers with a Status object (its message), the consumer with plain text.</summary>
    private static string MessageOf(string body)
    {
        try { if (System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject { } o && o["message"] is { } m) return m.ToString(); }
        catch (System.Text.Json.JsonException) { }
        return body.Trim();
    }

    private static string Hint(HttpStatusCode status, string service, int port) => status switch
    {
        HttpStatusCode.NotFound => $"Is there a Service \"{service}\" in the lab namespace (kubectl get svc)? A 404 with plain text comes from the consumer itself.",
        HttpStatusCode.ServiceUnavailable => $"The Service \"{service}\" still has no ready endpoint on port {port} (kubectl get endpoints {service}): are its pods Ready, does its selector match them, do they run {Image} (which listens on 8080)?",
        _ => "Check the Service's port and that its pods run the resource-consumer image.",
    };
}

/// <summary>Sending load through the service proxy failed; the message has the API server's answer and what to check.</summary>
public sealed class CpuLoadException(string message) : KubeLabException(message);
