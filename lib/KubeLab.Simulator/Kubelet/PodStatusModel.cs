using k8s.Models;

namespace KubeLab.Simulator.Kubelet;

/// <summary>One container as the kubelet tracks it: its state, last termination and restart count.</summary>
public sealed class ContainerRecord(V1Container spec, bool isInit)
{
    public V1Container Spec { get; } = spec;
    public bool IsInit { get; } = isInit;
    /// <summary>
    /// A native sidecar: an init container with <c>restartPolicy: Always</c> (KEP-753, pkg/kubelet/types IsRestartableInitContainer).
    /// It is started during initialisation, keeps running beside the app containers and is always restarted when it exits.
    /// </summary>
    public bool IsSidecar { get; } = isInit && spec.RestartPolicy == "Always";
    /// <summary>Set once the container has been running and started (startup probe passed): a sidecar then lets the next init container go.</summary>
    public bool HasStarted { get; private set; }
    private readonly TaskCompletionSource firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completes the first time the container is running and started.</summary>
    public Task FirstStart => firstStart.Task;
    public string Name => Spec.Name;
    public string FieldPath => IsInit ? $"spec.initContainers{{{Name}}}" : $"spec.containers{{{Name}}}";
    public V1ContainerState State { get; set; } = Waiting(isInit ? "PodInitializing" : "ContainerCreating");
    public V1ContainerState? LastState { get; set; }
    public int RestartCount { get; set; }
    public bool Ready { get; set; }
    /// <summary>Set by the prober once a startup probe passed (or at start without one).</summary>
    public bool Started
    {
        get => started;
        set
        {
            started = value;
            if (value && Running && !HasStarted) { HasStarted = true; firstStart.TrySetResult(); }
        }
    }
    private bool started;
    public string? ContainerId { get; set; }
    public string? ImageId { get; set; }
    /// <summary>The runtime's current (or last) instance of this container: its files, process and log.</summary>
    public Runtime.ContainerInstance? Instance { get; set; }
    /// <summary>The log of the run that <see cref="LastState"/> describes (what <c>kubectl logs --previous</c> shows).</summary>
    public Runtime.ContainerLog? LastTerminatedLog { get; private set; }

    /// <summary>Records the run that just ended as lastState, keeping its log for <c>--previous</c>.</summary>
    public void SetLastState(V1ContainerState state)
    {
        LastState = state;
        LastTerminatedLog = Instance?.Log;
    }

    public bool Running => State.Running is not null;
    public bool Terminated => State.Terminated is not null;
    public bool Succeeded => State.Terminated?.ExitCode == 0;

    public static V1ContainerState Waiting(string reason, string? message = null) =>
        new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    public V1ContainerStatus ToStatus() => new()
    {
        Name = Name,
        Image = ImageReference.Normalize(Spec.Image ?? ""),
        ImageID = ImageId ?? "",
        ContainerID = ContainerId,
        Ready = Ready,
        Started = Running && Started,
        RestartCount = RestartCount,
        State = State,
        LastState = LastState ?? new V1ContainerState(),
    };
}

/// <summary>
/// The kubelet's view of one pod's status, turned into a core/v1 PodStatus with the phase and conditions computed
/// as the kubelet computes them (pkg/kubelet getPhase and the status generators):
/// Pending while init containers run or containers wait without ever having run; Running when a container runs or
/// restarts; Succeeded/Failed once every container terminated and restartPolicy says it stays terminated.
/// Native sidecars (restartable init containers) count as initialised once started, count as running for the phase, and their
/// readiness counts for Ready; their exit codes never decide Succeeded/Failed (pkg/kubelet/kubelet_pods.go getPhase,
/// pkg/kubelet/status/generate.go).
/// </summary>
public sealed class PodStatusModel
{
    private readonly Dictionary<string, (string Status, DateTime Since)> transitions = new();

    public PodStatusModel(V1Pod pod, string hostIp, DateTime startTime)
    {
        RestartPolicy = pod.Spec.RestartPolicy ?? "Always";
        HostIp = hostIp;
        StartTime = startTime;
        QosClass = pod.Status?.QosClass;
        InitContainers = (pod.Spec.InitContainers ?? []).Select(c => new ContainerRecord(c, true)).ToList();
        Containers = pod.Spec.Containers.Select(c => new ContainerRecord(c, false)).ToList();
        // The kubelet's default waiting reason is PodInitializing while a pod has init containers (convertToAPIContainerStatuses).
        if (InitContainers.Count > 0)
            foreach (var c in Containers) c.State = ContainerRecord.Waiting("PodInitializing");
    }

    public string RestartPolicy { get; }
    public string HostIp { get; }
    public DateTime StartTime { get; }
    public string? QosClass { get; }
    public string? PodIp { get; set; }
    public bool SandboxReady { get; set; }
    public bool Terminating { get; set; }
    public List<ContainerRecord> InitContainers { get; }
    public List<ContainerRecord> Containers { get; }
    public IEnumerable<ContainerRecord> All => InitContainers.Concat(Containers);
    public IEnumerable<ContainerRecord> Sidecars => InitContainers.Where(c => c.IsSidecar);
    public IEnumerable<ContainerRecord> RegularInitContainers => InitContainers.Where(c => !c.IsSidecar);

    /// <summary>Set by the pod worker when it starts the app containers: from then on the pod stays initialised even while a
    /// sidecar restarts (GeneratePodInitializedCondition: a regular container has started).</summary>
    public bool AppContainersStarting { get; set; }

    public bool Initialized => AppContainersStarting || InitContainers.All(InitDone);

    /// <summary>A regular init container is done when it succeeded; a sidecar when it runs and has started.</summary>
    private static bool InitDone(ContainerRecord c) => c.IsSidecar ? c.Running && c.Started : c.Succeeded;

    public string Phase
    {
        get
        {
            if (RegularInitContainers.Any(c => c.Terminated && !c.Succeeded) && RestartPolicy == "Never") return "Failed";
            if (!Initialized) return "Pending";
            // Running sidecars keep the pod Running; stopped ones are ignored, so only app containers decide the end.
            var running = Containers.Count(c => c.Running) + Sidecars.Count(c => c.Running);
            // A container waiting to be restarted counts as stopped, as in the kubelet.
            var stopped = Containers.Count(c => c.Terminated || (c.State.Waiting is not null && c.LastState?.Terminated is not null));
            var succeeded = Containers.Count(c => c.Succeeded);
            if (running > 0) return "Running";
            if (stopped == Containers.Count)
            {
                if (Terminating) return succeeded == stopped ? "Succeeded" : "Failed"; // deleted pods end in a terminal phase
                if (RestartPolicy == "Always") return "Running";
                if (succeeded == stopped) return "Succeeded";
                return RestartPolicy == "Never" ? "Failed" : "Running";
            }
            return "Pending";
        }
    }

    public V1PodStatus ToStatus(DateTime now)
    {
        var phase = Phase;
        var completed = phase is "Succeeded" or "Failed";
        var unready = Sidecars.Concat(Containers).Where(c => !c.Ready).Select(c => c.Name).ToList();
        var incomplete = InitContainers.Where(c => !InitDone(c)).Select(c => c.Name).ToList();
        var conditions = new List<V1PodCondition>
        {
            Condition("PodReadyToStartContainers", SandboxReady && !completed, now),
            Condition("Initialized", Initialized, now, Initialized ? null : "ContainersNotInitialized",
                Initialized ? null : $"containers with incomplete status: [{string.Join(' ', incomplete)}]"),
            Condition("Ready", unready.Count == 0 && !completed, now, Reason(completed, unready), Message(completed, unready)),
            Condition("ContainersReady", unready.Count == 0 && !completed, now, Reason(completed, unready), Message(completed, unready)),
            Condition("PodScheduled", true, now),
        };
        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = HostIp,
            HostIPs = [new V1HostIP { Ip = HostIp }],
            PodIP = PodIp,
            PodIPs = PodIp is null ? null : [new V1PodIP { Ip = PodIp }],
            StartTime = StartTime,
            QosClass = QosClass,
            InitContainerStatuses = InitContainers.Count == 0 ? null : InitContainers.Select(c => c.ToStatus()).ToList(),
            ContainerStatuses = Containers.Select(c => c.ToStatus()).ToList(),
        };
    }

    private static string? Reason(bool completed, List<string> unready) =>
        completed ? "PodCompleted" : unready.Count > 0 ? "ContainersNotReady" : null;

    private static string? Message(bool completed, List<string> unready) =>
        !completed && unready.Count > 0 ? $"containers with unready status: [{string.Join(' ', unready)}]" : null;

    private V1PodCondition Condition(string type, bool ok, DateTime now, string? reason = null, string? message = null)
    {
        var status = ok ? "True" : "False";
        if (!transitions.TryGetValue(type, out var t) || t.Status != status) transitions[type] = t = (status, now);
        return new V1PodCondition { Type = type, Status = status, LastTransitionTime = t.Since, Reason = reason, Message = message };
    }
}
