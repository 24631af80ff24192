namespace KubeLab;

/// <summary>One observed change: a pod/replicaset watch event or a Kubernetes Event (Kind "Event", Event = its reason).</summary>
public sealed record TimelineEntry(DateTimeOffset Time, string Kind, string Name, string Event, string? Phase, bool? Ready, string? Detail);

/// <summary>A ReplicaSet's counts at one moment (a step series: values hold until the next point).</summary>
public sealed record ReplicaPoint(DateTimeOffset Time, int Desired, int Ready, int Current);

/// <summary>
/// What the recorder saw of one pod. Created is when it was first seen (the recording start for pods that already existed);
/// Ready is when its Ready condition first became True; Terminating when deletion started; Deleted when it disappeared.
/// </summary>
public sealed record PodLifetime(string Name, string? Node, DateTimeOffset Created, DateTimeOffset? Ready, DateTimeOffset? Terminating,
    DateTimeOffset? Deleted, string? LastPhase, IReadOnlyDictionary<string, string> Labels, string? Owner, bool ExistedAtStart);
