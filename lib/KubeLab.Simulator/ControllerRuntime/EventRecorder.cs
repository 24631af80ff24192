using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Records core/v1 Events for one component (kubelet on a node, default-scheduler, replicaset-controller, …),
/// like client-go's event recorder and its EventCorrelator: events are written in the background so a component never waits
/// for them; a repeat of the same event for the same object (same reason, message, type, source) bumps <c>count</c> and
/// <c>lastTimestamp</c> instead of creating a new object; similar events with many different messages are combined
/// (<see cref="EventAggregator"/>) and a source's events about one object are rate-limited (<see cref="EventSpamFilter"/>). Event names are
/// <c>&lt;object name&gt;.&lt;hex of unix nanoseconds&gt;</c>, as Kubernetes names them.
/// </summary>
public sealed class EventRecorder
{
    private readonly IKubernetes client;
    private readonly TimeProvider time;
    private readonly Channel<Func<CancellationToken, Task>> pending = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new() { SingleReader = true });
    private readonly Util.BoundedCache<string, (string Namespace, string Name, int Count)> seen = new(MaxRemembered); // old events are forgotten rather than grow without bound
    private const int MaxRemembered = 4096; // maxLruCacheEntries
    private readonly EventAggregator aggregator;
    private readonly EventSpamFilter spam;
    private static long lastNanos; // shared by all recorders so two components never produce the same event name

    public EventRecorder(IKubernetes client, TimeProvider time, string component, string? host = null)
    {
        this.client = client;
        this.time = time;
        Component = component;
        Host = host;
        aggregator = new EventAggregator(time);
        spam = new EventSpamFilter(time);
    }

    public string Component { get; }
    public string? Host { get; }

    public static V1ObjectReference Reference(V1Pod pod, string? fieldPath = null) =>
        Reference(pod.Metadata, "Pod", "v1", fieldPath);

    public static V1ObjectReference Reference(V1ObjectMeta meta, string kind, string apiVersion, string? fieldPath = null) => new()
    {
        Kind = kind,
        ApiVersion = apiVersion,
        NamespaceProperty = meta.NamespaceProperty,
        Name = meta.Name,
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
        FieldPath = fieldPath,
    };

    public void Normal(V1ObjectReference involved, string reason, string message) => Record(involved, "Normal", reason, message);

    public void Warning(V1ObjectReference involved, string reason, string message) => Record(involved, "Warning", reason, message);

    public void Record(V1ObjectReference involved, string type, string reason, string message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        pending.Writer.TryWrite(ct => WriteAsync(involved, type, reason, message, now, ct));
    }

    /// <summary>Writes queued events until cancelled. Failures to write an event are dropped, as the real recorder does after retries.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var write in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try { await write(cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
                catch (Exception) { /* events are best effort */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>A strictly increasing nanosecond stamp, at least the event's own time.</summary>
    private static long NextNanos(long atLeast)
    {
        while (true)
        {
            var last = Interlocked.Read(ref lastNanos);
            var next = Math.Max(last + 1, atLeast);
            if (Interlocked.CompareExchange(ref lastNanos, next, last) == last) return next;
        }
    }

    private async Task WriteAsync(V1ObjectReference involved, string type, string reason, string message, DateTime at, CancellationToken ct)
    {
        var ns = string.IsNullOrEmpty(involved.NamespaceProperty) ? "default" : involved.NamespaceProperty;
        // EventCorrelate's order: aggregate, count repeats (remembered even when the spam filter then drops the write), filter.
        var groupKey = string.Join('\u0000', Component, Host, involved.Uid, type, reason);
        var (text, key) = aggregator.Aggregate(string.Join('\u0000', groupKey, involved.FieldPath, message), groupKey, message);
        string NewName() => $"{involved.Name}.{NextNanos((at.Ticks - DateTime.UnixEpoch.Ticks) * 100):x}";
        seen.TryGetValue(key, out var existing);
        var name = existing.Count > 0 ? existing.Name : NewName();
        seen.Set(key, (ns, name, existing.Count + 1));
        if (spam.Skip(Component, Host, involved)) return;

        if (existing.Count > 0)
        {
            // The recorder's two-way merge patch carries count, lastTimestamp and message (the latest one, for a combined event).
            var patch = $$"""{"count":{{existing.Count + 1}},"lastTimestamp":"{{at:yyyy-MM-ddTHH:mm:ssZ}}","message":{{System.Text.Json.JsonSerializer.Serialize(text)}}}""";
            try
            {
                // The recorder never reads the answer (client-go's event sink drops it too): sent without decoding it.
                await RawApiRequest.WriteAsync(client, HttpMethod.Patch, $"api/v1/namespaces/{existing.Namespace}/events/{existing.Name}", patch,
                    "application/merge-patch+json", ct).ConfigureAwait(false);
                return;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // Deleted meanwhile: create it anew under a new name.
                name = NewName();
                seen.Set(key, (ns, name, 1));
            }
        }

        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = involved,
            Reason = reason,
            Message = text,
            Type = type,
            Source = new V1EventSource { Component = Component, Host = Host },
            ReportingComponent = Component,
            ReportingInstance = Host ?? Component,
            FirstTimestamp = at,
            LastTimestamp = at,
            Count = 1,
        };
        await RawApiRequest.WriteAsync(client, HttpMethod.Post, $"api/v1/namespaces/{ns}/events", KubernetesJson.Serialize(ev), "application/json", ct)
            .ConfigureAwait(false);
    }
}
