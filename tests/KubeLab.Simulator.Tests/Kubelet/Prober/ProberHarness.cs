using System.Collections.Concurrent;
using k8s.Models;
using KubeLab.Simulator.Clock;
using KubeLab.Simulator.Kubelet.Prober;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Tests.Kubelet.Prober;

/// <summary>
/// A pod sandbox on a pod network with a server whose answer the test controls, a fast simulated clock, and a prober
/// whose events and callbacks are recorded with their simulated time.
/// </summary>
internal sealed class ProberHarness : IAsyncDisposable
{
    public const string PodIp = "10.244.1.5";
    public const string NodeIp = "172.18.0.3";

    private readonly object gate = new();
    private readonly List<ContainerProbes> started = [];
    private int status = 200;
    private int hits;

    public ProberHarness(string restartPolicy = "Always", double speed = 200)
    {
        Clock = new SimulatedClock(speed);
        Sandbox = new PodSandbox("default", "web", "uid-1", "web", "kind-worker") { Ip = PodIp };
        Network.Attach(Sandbox);
        Pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "uid-1" },
            Spec = new V1PodSpec { RestartPolicy = restartPolicy, Containers = [] },
        };
        Manager = new ProbeManager((path, type, reason, message) => Events.Enqueue(new(path, type, reason, message, Clock.GetUtcNow())),
            Pod, Network, Clock, NodeIp);
    }

    public SimulatedClock Clock { get; }
    public ClusterNetwork Network { get; } = new();
    public PodSandbox Sandbox { get; }
    public V1Pod Pod { get; }
    public ProbeManager Manager { get; }
    public ConcurrentQueue<RecordedEvent> Events { get; } = new();
    public ConcurrentQueue<Callback> Callbacks { get; } = new();
    public ConcurrentQueue<ProbeKill> Kills { get; } = new();
    public ConcurrentQueue<(HttpRequestMessageModel Request, DateTimeOffset At)> Requests { get; } = new();

    public int Hits { get { lock (gate) return hits; } }

    /// <summary>Sets the server's status code; returns the number of requests served before the change.</summary>
    public int SetStatus(int code)
    {
        lock (gate)
        {
            status = code;
            return hits;
        }
    }

    /// <summary>Listens on 8080 answering the current status; the request count and status are read together.</summary>
    public void Serve(int port = 8080, Func<HttpRequestMessageModel, CancellationToken, Task<HttpResponseMessageModel>>? handler = null) =>
        Sandbox.Listen(port, "web", async (request, ct) =>
        {
            Requests.Enqueue((request, Clock.GetUtcNow()));
            if (handler is not null) return await handler(request, ct);
            lock (gate)
            {
                hits++;
                return HttpResponseMessageModel.Text(status, status < 400 ? "ok" : "not ok");
            }
        });

    public ContainerProbes Start(V1Container spec, Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? exec = null)
    {
        var probes = Manager.StartContainer(
            new ProbedContainer(spec, "containerd://abc", PodIp, Clock.GetUtcNow(), exec),
            new ProbeCallbacks
            {
                ReadinessChanged = ready => Callbacks.Enqueue(new("ready", ready, Hits, Clock.GetUtcNow())),
                StartedChanged = s => Callbacks.Enqueue(new("started", s, Hits, Clock.GetUtcNow())),
                LivenessFailed = kill =>
                {
                    Kills.Enqueue(kill);
                    Callbacks.Enqueue(new("killed", true, Hits, Clock.GetUtcNow()));
                },
            });
        lock (gate) started.Add(probes);
        return probes;
    }

    public IEnumerable<RecordedEvent> Reason(string reason) => Events.Where(e => e.Reason == reason);

    /// <summary>Waits (real time, generous) until <paramref name="condition"/> holds.</summary>
    public static async Task Eventually(Func<bool> condition, string what, double seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>Lets <paramref name="simulated"/> pass on the cluster clock.</summary>
    public Task Pass(TimeSpan simulated) => Task.Delay(simulated, Clock);

    public async ValueTask DisposeAsync()
    {
        List<ContainerProbes> all;
        lock (gate) all = [.. started];
        foreach (var p in all) await p.DisposeAsync();
    }

    public static V1Container Web(V1Probe? readiness = null, V1Probe? liveness = null, V1Probe? startup = null) => new()
    {
        Name = "web",
        Image = "registry.k8s.io/e2e-test-images/agnhost:2.53",
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
        ReadinessProbe = readiness,
        LivenessProbe = liveness,
        StartupProbe = startup,
    };

    public static V1Probe HttpGet(string path = "/healthz", IntOrString? port = null, int period = 10, int failure = 3, int success = 1,
        int initialDelay = 0, int timeout = 1) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port ?? "8080" },
        PeriodSeconds = period,
        FailureThreshold = failure,
        SuccessThreshold = success,
        InitialDelaySeconds = initialDelay,
        TimeoutSeconds = timeout,
    };
}

internal sealed record RecordedEvent(string FieldPath, string Type, string Reason, string Message, DateTimeOffset At);

internal sealed record Callback(string What, bool Value, int HitsSoFar, DateTimeOffset At);
