using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Records core/v1 Events for one component (kubelet on a node, default-scheduler, replicaset-controller, …),
/// like client-go's event recorder: events are written in the background so a component never waits for them,
/// and a repeat of the same event for the same object (same reason, message, type, source) bumps
/// <c>count</c> and <c>lastTimestamp</c> instead of creating a new object. Event names are
/// <c>&lt;object name&gt;.&lt;hex of unix nanoseconds&gt;</c>, as Kubernetes names them.
/// </summary>
public sealed class EventRecorder
{
    private readonly IKubernetes client;
    private readonly TimeProvider time;
    private readonly Channel<Func<CancellationToken, Task>> pending = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new() { SingleReader = true });
    private readonly Util.BoundedCache<string, (string Namespace, string Name, int Count)> seen = new(MaxRemembered); // old events are forgotten rather than grow without bound
    private const int MaxRemembered = 10_000;
    private static long lastNanos; // shared by all recorders so two components never produce the same event name

    public EventRecorder(IKubernetes client, TimeProvider time, string component, string? host = null)
    {
        this.client = client;
        this.time = time;
        Component = component;
        Host = host;
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
        var aggregateKey = string.Join('\u0000', involved.Uid, involved.FieldPath, type, reason, message, Component, Host);
        if (seen.TryGetValue(aggregateKey, out var existing))
        {
            var count = existing.Count + 1;
            var patch = new V1Patch(
                $$"""{"count":{{count}},"lastTimestamp":"{{at:yyyy-MM-ddTHH:mm:ssZ}}"}""", V1Patch.PatchType.MergePatch);
            try
            {
                await client.CoreV1.PatchNamespacedEventAsync(patch, existing.Name, existing.Namespace, cancellationToken: ct).ConfigureAwait(false);
                seen.Set(aggregateKey, existing with { Count = count });
                return;
            }
            catch (k8s.Autorest.HttpOperationException) { seen.Remove(aggregateKey); } // deleted meanwhile → create anew
        }

        var nanos = NextNanos((at.Ticks - DateTime.UnixEpoch.Ticks) * 100);
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{involved.Name}.{nanos:x}", NamespaceProperty = ns },
            InvolvedObject = involved,
            Reason = reason,
            Message = message,
            Type = type,
            Source = new V1EventSource { Component = Component, Host = Host },
            ReportingComponent = Component,
            ReportingInstance = Host ?? Component,
            FirstTimestamp = at,
            LastTimestamp = at,
            Count = 1,
        };
        var created = await client.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: ct).ConfigureAwait(false);
        seen.Set(aggregateKey, (ns, created.Metadata.Name, 1));
    }
}
