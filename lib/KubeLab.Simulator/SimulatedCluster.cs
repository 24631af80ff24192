using System.Net;
using k8s;
using KubeLab.Simulator.Api.Lifecycle;
using KubeLab.Simulator.Api.Seed;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Clock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeLab.Simulator;

/// <summary>
/// An in-process Kubernetes control plane: an API server speaking the real REST API over plain HTTP on 127.0.0.1
/// (usable by KubernetesClient and the real kubectl), plus the controllers started by <see cref="ControllerRuntime.ControllerManager"/>.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    public const string ContextName = "kubelab-sim";

    private readonly WebApplication app;
    private readonly CancellationTokenSource shutdown;
    private readonly GarbageCollector gc;
    // apiextensions-apiserver's naming, establishing and finalizer controllers (CRD status, cleanup of a deleted CRD's objects).
    private Api.CustomResources.CustomResourceDefinitionController? crdController;
    private Api.Lifecycle.ResourceQuotaController? quotaController;
    private Api.Lifecycle.DisruptionController? disruptionController;
    private IAsyncDisposable? controllers;
    private Network.HostPorts.HostPortForwarder? hostPorts;
    private int disposed;

    private SimulatedCluster(WebApplication app, CancellationTokenSource shutdown, GarbageCollector gc, Uri url, ObjectStore store, SimulatedClock clock, DataPlane dataPlane)
    {
        Store = store;
        DataPlane = dataPlane;
        Clock = clock;
        this.app = app;
        this.shutdown = shutdown;
        this.gc = gc;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The cluster's clock: read it, or change its speed (also served at <c>GET/PUT /kubelab/v1/clock</c>).</summary>
    public SimulatedClock Clock { get; }

    /// <summary>The backing store, for tests that need to drive it directly (e.g. to overflow the watch history).</summary>
    internal ObjectStore Store { get; }

    /// <summary>The nodes' shared pod network and kubelet connections, for tests that plug in fake kubelets or servers.</summary>
    internal DataPlane DataPlane { get; }

    public string KubeconfigYaml => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {ContextName}
          cluster:
            server: {Url.ToString().TrimEnd('/')}
        users:
        - name: {ContextName}
          user:
            token: kubelab-simulator
        contexts:
        - name: {ContextName}
          context:
            cluster: {ContextName}
            user: {ContextName}
            namespace: default
        current-context: {ContextName}
        preferences: {"{}"}

        """;

    public void WriteKubeconfig(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, KubeconfigYaml);
    }

    public IKubernetes CreateClient()
        => new Kubernetes(new KubernetesClientConfiguration { Host = Url.ToString().TrimEnd('/'), AccessToken = "kubelab-simulator" });

    public static async Task<SimulatedCluster> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SimulatorOptions();
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 0 and 65535.");
        if (options.WorkerNodes is < 0 or > 250) throw new ArgumentOutOfRangeException(nameof(options), options.WorkerNodes, "WorkerNodes must be between 0 and 250 (one /24 pod range each under 10.244.0.0/16).");

        SimulatedClock.Validate(options.ClockSpeed);
        var clock = new SimulatedClock(options.ClockSpeed, options.Time);
        var store = new ObjectStore();
        // --encryption-provider-config: read at start, like kube-apiserver (a bad file stops the start with its error).
        var encryption = options.EncryptionConfigurationPath is { } encryptionPath ? Api.Storage.Encryption.EncryptionConfiguration.Load(encryptionPath) : null;
        var storage = new RestStorage(store, clock);
        ClusterSeed.Apply(storage, options.WorkerNodes, options.CoreDnsPods);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatedCluster).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AllowSynchronousIO = false;
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        // The cluster is embedded in someone else's process (notebook kernel, CLI, tests): leave Ctrl+C / SIGTERM handling to them.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        var app = builder.Build();

        var shutdown = new CancellationTokenSource();
        Uri? url = null;
        var dataPlane = new DataPlane { CloudProviderKind = options.LoadBalancers, Etcd = new Api.Storage.StoredObjectView(store, encryption) };
        var handler = new ApiHandler(storage, dataPlane, () => url is null ? "127.0.0.1" : $"{url.Host}:{url.Port}", shutdown.Token);
        app.UseWebSockets();
        app.Run(ctx => ClockEndpoint.Matches(ctx) ? ClockEndpoint.Handle(ctx, clock) : handler.Handle(ctx));
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        url = new Uri(address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        var gc = new GarbageCollector(storage);
        var cluster = new SimulatedCluster(app, shutdown, gc, url, store, clock, dataPlane)
        {
            crdController = new Api.CustomResources.CustomResourceDefinitionController(storage),
            quotaController = new Api.Lifecycle.ResourceQuotaController(storage),
            disruptionController = new Api.Lifecycle.DisruptionController(storage),
        };
        try
        {
            cluster.controllers = await ControllerRuntime.ControllerManager.StartAsync(cluster.CreateClient(), clock, dataPlane, ct);
            cluster.hostPorts = Network.HostPorts.HostPortForwarder.Start(options.HostPortMappings, dataPlane.Network, clock, Console.Error);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        if (hostPorts is not null) await hostPorts.DisposeAsync();
        if (controllers is not null) await controllers.DisposeAsync();
        await gc.DisposeAsync();
        if (crdController is not null) await crdController.DisposeAsync();
        if (quotaController is not null) await quotaController.DisposeAsync();
        if (disruptionController is not null) await disruptionController.DisposeAsync();
        await shutdown.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        shutdown.Dispose();
    }
}
