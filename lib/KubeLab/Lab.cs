using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using KubeLab.Connection;
using KubeLab.Manifests;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>
/// One lesson's sandbox: a guarded connection to the course cluster and a fresh namespace "lab-&lt;lesson&gt;".
/// Apply manifests, look at pods and nodes, wait for things, record what Kubernetes does. Dispose deletes the namespace.
/// </summary>
public sealed partial class Lab : IAsyncDisposable
{
    public const string CourseLabel = "kubelab.io/course";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly LabKubernetes _client;
    private readonly Lock _discoveryLock = new();
    private Task<ApiDiscovery>? _discovery;
    private bool _disposed;

    private Lab(ClusterConnection connection, string ns, string manifestsDir, ClusterInfo info)
    {
        _client = connection.Client;
        Namespace = ns;
        ManifestsDir = manifestsDir;
        Cluster = info;
    }

    /// <summary>Which cluster this lab uses (kind or the embedded simulator), its context, server, version and nodes.</summary>
    public ClusterInfo Cluster { get; }

    /// <summary>
    /// The cluster's clock: <c>Speed</c>, <c>NowAsync()</c>, <c>SetSpeedAsync(20)</c> (simulator only; returns false on kind).
    /// Recordings, ages and measurements use it, so they are in cluster seconds.
    /// </summary>
    public ClusterClock Clock { get; private init; } = ClusterClock.Real;

    /// <summary>The official KubernetesClient, for anything the helpers do not cover.</summary>
    public IKubernetes Client => _client;

    /// <summary>"lab-&lt;lesson&gt;", labelled kubelab.io/course=true.</summary>
    public string Namespace { get; }

    /// <summary>&lt;ManifestsRoot&gt;/&lt;lesson&gt;: relative manifest paths are resolved here.</summary>
    public string ManifestsDir { get; }

    /// <summary>Connects (guarded), deletes a leftover lab namespace from an interrupted run, and creates a fresh one.</summary>
    public static async Task<Lab> StartAsync(string lesson, LabOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LabOptions();
        var ns = NamespaceFor(lesson);
        var connection = await ClusterConnector.ConnectAsync(options, ct).ConfigureAwait(false);
        try
        {
            await RecreateNamespaceAsync(connection.Client, ns, ct).ConfigureAwait(false);
            var nodes = await connection.Client.CoreV1.ListNodeAsync(cancellationToken: ct).ConfigureAwait(false);
            var clock = await ClusterClock.DetectAsync(connection.Client, ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var info = new ClusterInfo(connection.Flavor, connection.Context, connection.Server, connection.Version,
                new NodeTable(nodes.Items.ToList(), now).Rows, ns);
            return new Lab(connection, ns, Path.Combine(FindManifestsRoot(options), lesson), info) { Clock = clock };
        }
        catch
        {
            connection.Client.Dispose();
            throw;
        }
    }

    /// <summary>Lesson → namespace name; must give a valid DNS-1123 label.</summary>
    internal static string NamespaceFor(string lesson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lesson);
        var ns = "lab-" + lesson.Trim().ToLowerInvariant();
        if (ns.Length > 63 || !Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
            throw new ArgumentException(
                $"Lesson \"{lesson}\" does not make a valid namespace name (\"{ns}\"): use lowercase letters, digits and '-', e.g. \"02-replicasets\".", nameof(lesson));
        return ns;
    }

    internal static string FindManifestsRoot(LabOptions options)
    {
        if (options.ManifestsRoot is { } root) return Path.GetFullPath(root);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "manifests");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "manifests");
    }

    /// <summary>
    /// Applies a manifest: a file relative to <see cref="ManifestsDir"/>, an absolute path, or YAML text. Uses server-side apply
    /// for every document; namespaced objects without a namespace land in the lab namespace.
    /// </summary>
    public async Task<AppliedObjects> ApplyAsync(string fileOrYaml, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fileOrYaml);
        var (yaml, source) = ReadManifest(fileOrYaml);
        var applier = new ManifestApplier(_client, (refresh, _) => DiscoveryAsync(refresh), Namespace);
        return await applier.ApplyAsync(yaml, source, ct).ConfigureAwait(false);
    }

    private (string Yaml, string Source) ReadManifest(string fileOrYaml)
    {
        if (fileOrYaml.Contains('\n') || fileOrYaml.TrimStart().StartsWith("apiVersion:", StringComparison.Ordinal))
            return (fileOrYaml, "inline YAML");
        var path = Path.IsPathRooted(fileOrYaml) ? fileOrYaml : Path.Combine(ManifestsDir, fileOrYaml);
        if (!File.Exists(path) && File.Exists(Path.GetFullPath(fileOrYaml))) path = Path.GetFullPath(fileOrYaml);
        if (!File.Exists(path))
        {
            var available = Directory.Exists(ManifestsDir)
                ? string.Join(", ", Directory.GetFiles(ManifestsDir, "*.y*ml").Select(Path.GetFileName).Order())
                : $"(folder {ManifestsDir} does not exist)";
            throw new ManifestException(fileOrYaml, $"file not found (looked in {ManifestsDir}).",
                hint: $"manifests available for this lesson: {available}. Pass a file name, an absolute path, or YAML text.");
        }
        return (File.ReadAllText(path), Path.GetRelativePath(Path.GetDirectoryName(ManifestsDir) is { } r ? Path.GetDirectoryName(r) ?? r : ManifestsDir, path));
    }

    /// <summary>Discovery is loaded once per lab; a failed attempt is retried on the next call instead of being cached, and
    /// <paramref name="refresh"/> reloads it (a kind served since, e.g. by a CRD applied meanwhile).</summary>
    private Task<ApiDiscovery> DiscoveryAsync(bool refresh = false)
    {
        lock (_discoveryLock)
        {
            if (refresh || _discovery is null || _discovery.IsFaulted || _discovery.IsCanceled)
                _discovery = ApiDiscovery.LoadAsync(_client, CancellationToken.None);
            return _discovery;
        }
    }

    /// <summary>Pods of the lab namespace as `kubectl get pods -o wide` shows them.</summary>
    public async Task<PodTable> PodsAsync(string? labelSelector = null, CancellationToken ct = default)
    {
        var pods = await _client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
        return new PodTable(Namespace, labelSelector, pods.Items.ToList(), Clock.GetUtcNow());
    }

    /// <summary>The cluster's nodes as `kubectl get nodes -o wide` shows them.</summary>
    public async Task<NodeTable> NodesAsync(CancellationToken ct = default)
    {
        var nodes = await _client.CoreV1.ListNodeAsync(cancellationToken: ct).ConfigureAwait(false);
        return new NodeTable(nodes.Items.ToList(), Clock.GetUtcNow());
    }

    /// <summary>Kinds the cluster serves (live discovery, preferred versions) grouped into the notes' five categories.</summary>
    public async Task<ApiResourceCategories> ApiResourcesByCategoryAsync(CancellationToken ct = default)
    {
        var api = await DiscoveryAsync().WaitAsync(ct).ConfigureAwait(false);
        var kinds = api.Resources.Where(r => r.Preferred)
            .GroupBy(r => r.Kind).Select(g => g.OrderBy(r => r.Group.Length == 0 ? 0 : 1).First())
            .Select(r => new ApiKind(r.Kind, r.ApiVersion, r.Plural, r.Namespaced, r.ShortNames));
        return new ApiResourceCategories(kinds);
    }

    /// <summary>Starts a watch-based recording of pods, replicasets and events in the lab namespace.</summary>
    public Recorder StartRecording()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var recorder = new Recorder(_client, Namespace, Cluster.Flavor, Clock);
        lock (_recorders) _recorders.Add(recorder);
        return recorder;
    }

    private readonly List<Recorder> _recorders = [];

    /// <summary>Deletes the lab namespace and waits until it is gone, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        List<Recorder> recorders;
        lock (_recorders) recorders = [.. _recorders];
        foreach (var r in recorders) r.Stop(); // their watches use this client
        try
        {
            await DeleteNamespaceAndWaitAsync(_client, Namespace, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _client.Dispose();
        }
    }

    public override string ToString() => Cluster.ToString();
}
