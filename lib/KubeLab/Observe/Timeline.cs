using System.Globalization;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>
/// Everything a <see cref="Recorder"/> saw, in order. Times are when KubeLab observed the change, in cluster time (see <see cref="ClusterClock"/>);
/// charts show them as seconds since the recording started.
/// </summary>
public sealed class Timeline : IHtmlDisplayable
{
    private readonly IReadOnlyList<RecordedChange> _changes;

    internal Timeline(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<RecordedChange> changes, string clusterLabel)
    {
        Start = start;
        End = end;
        _changes = changes;
        ClusterLabel = clusterLabel;
        Entries = changes.Select(ToEntry).ToList();
    }

    /// <summary>The raw watch events, in order (for series derived elsewhere, e.g. <see cref="ProbeSeries"/>).</summary>
    internal IReadOnlyList<RecordedChange> Changes => _changes;

    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }
    public string ClusterLabel { get; }

    /// <summary>"simulated clock 20×" when the cluster's clock ran faster than real time during the recording, else null.</summary>
    public string? ClockNote { get; internal init; }

    /// <summary>The title of a time axis for this timeline, naming the clock speed when it is not 1×.</summary>
    public string SecondsAxisTitle => "seconds since recording started" + (ClockNote is null ? "" : $" ({ClockNote})");
    public IReadOnlyList<TimelineEntry> Entries { get; }

    public double SecondsSinceStart(DateTimeOffset t) => (t - Start).TotalSeconds;

    /// <summary>Desired (spec.replicas) and ready (status.readyReplicas) of one ReplicaSet over time; only changes are kept.</summary>
    public IReadOnlyList<ReplicaPoint> ReplicaSeries(string replicaSetName)
    {
        var points = new List<ReplicaPoint>();
        foreach (var c in _changes.Where(c => c.Kind == "ReplicaSet" && ((V1ReplicaSet)c.Object).Metadata.Name == replicaSetName))
        {
            var rs = (V1ReplicaSet)c.Object;
            var point = c.Event == "DELETED"
                ? new ReplicaPoint(c.Time, 0, 0, 0)
                : new ReplicaPoint(c.Time, rs.Spec?.Replicas ?? 1, rs.Status?.ReadyReplicas ?? 0, rs.Status?.Replicas ?? 0);
            if (points.Count > 0 && points[^1] with { Time = point.Time } == point) continue;
            points.Add(point);
        }
        return points;
    }

    /// <summary>Lifetimes of the pods seen, optionally only those whose (last known) labels match the selector.</summary>
    public IReadOnlyList<PodLifetime> PodLifetimes(string? labelSelector = null)
    {
        var selector = Simulator.Api.LabelSelector.Parse(labelSelector);
        // Keyed by name and incarnation: a pod deleted and created again under the same name (kubectl replace --force, a
        // StatefulSet's web-0) is a new pod with its own lifetime.
        var result = new Dictionary<(string Name, int Incarnation), PodLifetime>();
        var incarnation = new Dictionary<string, int>();
        foreach (var c in _changes.Where(c => c.Kind == "Pod"))
        {
            var pod = (V1Pod)c.Object;
            var podName = pod.Metadata.Name;
            var key = (podName, incarnation.GetValueOrDefault(podName));
            result.TryGetValue(key, out var life);
            if (c.Event == "DELETED")
            {
                if (life is not null) result[key] = life with { Deleted = life.Deleted ?? c.Time, Terminating = life.Terminating ?? c.Time };
                continue;
            }
            if (life?.Deleted is not null)
            {
                key = (podName, key.Item2 + 1);
                incarnation[podName] = key.Item2;
                life = null;
            }
            life ??= new PodLifetime(podName, null, c.Event == "EXISTING" ? Start : c.Time, null, null, null, null,
                new Dictionary<string, string>(), null, c.Event == "EXISTING");
            result[key] = life with
            {
                Node = pod.Spec?.NodeName ?? life.Node,
                Ready = life.Ready ?? (PodStatusText.IsReady(pod) ? (c.Event == "EXISTING" ? Start : c.Time) : null),
                Terminating = life.Terminating ?? (pod.Metadata.DeletionTimestamp is not null ? c.Time : null),
                LastPhase = pod.Status?.Phase ?? life.LastPhase,
                Labels = pod.Metadata.Labels is { } l ? new Dictionary<string, string>(l) : life.Labels,
                Owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Name,
            };
        }
        return result.Values.Where(l => selector.Matches(new Dictionary<string, string>(l.Labels))).OrderBy(l => l.Created).ThenBy(l => l.Name, StringComparer.Ordinal).ToList();
    }

    private static TimelineEntry ToEntry(RecordedChange c) => c.Object switch
    {
        V1Pod p => new TimelineEntry(c.Time, "Pod", p.Metadata.Name, c.Event, p.Status?.Phase,
            p.Status is null ? null : PodStatusText.IsReady(p),
            c.Event == "DELETED" ? null : $"{PodStatusText.Status(p)} node={p.Spec?.NodeName ?? "<none>"}"),
        V1ReplicaSet rs => new TimelineEntry(c.Time, "ReplicaSet", rs.Metadata.Name, c.Event, null, null,
            c.Event == "DELETED" ? null : $"desired={rs.Spec?.Replicas ?? 1} current={rs.Status?.Replicas ?? 0} ready={rs.Status?.ReadyReplicas ?? 0}"),
        Corev1Event e => new TimelineEntry(c.Time, "Event", $"{e.InvolvedObject?.Kind}/{e.InvolvedObject?.Name}", e.Reason ?? c.Event, null, null, e.Message),
        _ => new TimelineEntry(c.Time, c.Kind, "?", c.Event, null, null, null),
    };

    private IEnumerable<IReadOnlyList<string>> Cells() => Entries.Select(e => (IReadOnlyList<string>)
    [
        "+" + SecondsSinceStart(e.Time).ToString("0.000", CultureInfo.InvariantCulture) + "s", e.Kind, e.Name, e.Event,
        e.Phase ?? "", e.Ready is null ? "" : e.Ready.Value ? "yes" : "no", e.Detail ?? "",
    ]);

    private static readonly string[] Headers = ["T", "KIND", "NAME", "EVENT", "PHASE", "READY", "DETAIL"];

    public override string ToString()
        => $"Timeline ({ClusterLabel}) {Entries.Count} entries over {(End - Start).TotalSeconds:0.0}s\n" + Html.TextTable(Headers, Cells());

    public string ToHtml()
        => Html.Table($"Timeline ({ClusterLabel}): {Entries.Count} changes over {(End - Start).TotalSeconds:0.0}s", Headers, Cells());
}
