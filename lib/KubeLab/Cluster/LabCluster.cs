using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab;

/// <summary>How one eviction went: Evicted (201), or refused with the API server's status code, message and cause.</summary>
public sealed record EvictionResult(string Pod, int StatusCode, string? Message, string? Cause)
{
    public bool Evicted => StatusCode is 200 or 201;
    public override string ToString() => Evicted ? $"pod/{Pod} evicted" : $"{StatusCode}: {Message}{(Cause is null ? "" : $" ({Cause})")}";
}

/// <summary>What a drain did, line by line as <c>kubectl drain</c> prints it; Completed is false if the timeout ended it first.</summary>
public sealed record DrainResult(string Node, bool Completed, IReadOnlyList<string> Log, IReadOnlyList<string> Evicted)
{
    public override string ToString() => string.Join("\n", Log);
}

/// <summary>Nodes, quotas, evictions and drains (chapter 12).</summary>
public sealed partial class Lab
{
    /// <summary>Allocatable vs requested cpu and memory per node, from the live nodes and pods (<c>kubectl describe nodes</c>).</summary>
    public async Task<NodeAllocations> NodeAllocationsAsync(CancellationToken ct = default)
    {
        var nodes = await _client.CoreV1.ListNodeAsync(cancellationToken: ct).ConfigureAwait(false);
        var pods = await _client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false);
        return NodeAllocations.From(nodes.Items, pods.Items);
    }

    /// <summary>The served kinds from a fresh discovery (a CRD applied meanwhile shows up), grouped into the notes' categories.</summary>
    public async Task<ApiResourceCategories> ServedKindsAsync(CancellationToken ct = default)
    {
        var api = await DiscoveryAsync(refresh: true).WaitAsync(ct).ConfigureAwait(false);
        return new ApiResourceCategories(api.Resources.Where(r => r.Preferred)
            .GroupBy(r => r.Kind).Select(g => g.OrderBy(r => r.Group.Length == 0 ? 0 : 1).First())
            .Select(r => new ApiKind(r.Kind, r.ApiVersion, r.Plural, r.Namespaced, r.ShortNames)));
    }

    /// <summary>A ResourceQuota of the lab's namespace, its used vs hard.</summary>
    public async Task<QuotaStatus> QuotaAsync(string name, CancellationToken ct = default) =>
        new(await _client.CoreV1.ReadNamespacedResourceQuotaAsync(name, Namespace, cancellationToken: ct).ConfigureAwait(false));

    /// <summary>
    /// Waits until the resource-quota controller has counted the quota (status.used has every name of spec.hard, status.hard equals
    /// spec.hard). Until then the quota admission refuses what it covers ("status unknown for quota"), so wait before creating pods.
    /// </summary>
    public async Task<QuotaStatus> WaitForQuotaCountedAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            var q = await _client.CoreV1.ReadNamespacedResourceQuotaAsync(name, Namespace, cancellationToken: ct).ConfigureAwait(false);
            var hard = q.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
            if (hard.Keys.All(k => q.Status?.Used?.ContainsKey(k) == true && q.Status.Hard?.TryGetValue(k, out var h) == true && h.ToDecimal() == hard[k].ToDecimal()))
                return new QuotaStatus(q);
            if (DateTime.UtcNow > until) throw new WaitTimeoutException($"ResourceQuota {name} to be counted", timeout ?? TimeSpan.FromMinutes(1), $"  Now: {new QuotaStatus(q)}");
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary><c>kubectl cordon</c> / <c>uncordon</c>: spec.unschedulable, which the scheduler's NodeUnschedulable filter honours.</summary>
    public async Task CordonAsync(string node, bool cordon = true, CancellationToken ct = default)
    {
        var patch = new V1Patch($"{{\"spec\":{{\"unschedulable\":{(cordon ? "true" : "null")}}}}}", V1Patch.PatchType.MergePatch);
        await _client.CoreV1.PatchNodeAsync(patch, node, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>POST pods/{name}/eviction (policy/v1): 201 and a graceful deletion, or 429 while a PodDisruptionBudget forbids it.</summary>
    public async Task<EvictionResult> EvictAsync(string pod, string? ns = null, CancellationToken ct = default)
    {
        ns ??= Namespace;
        var eviction = new V1Eviction { ApiVersion = "policy/v1", Kind = "Eviction", Metadata = new V1ObjectMeta { Name = pod, NamespaceProperty = ns } };
        try
        {
            await _client.CoreV1.CreateNamespacedPodEvictionAsync(eviction, pod, ns, cancellationToken: ct).ConfigureAwait(false);
            return new EvictionResult(pod, 201, null, null);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
        {
            string? message = null, cause = null;
            try
            {
                var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
                message = status.Message;
                cause = status.Details?.Causes?.FirstOrDefault()?.Message;
            }
            catch (System.Text.Json.JsonException) { message = e.Response.Content; }
            return new EvictionResult(pod, (int)e.Response.StatusCode, message, cause);
        }
    }

    /// <summary>
    /// <c>kubectl drain NODE --ignore-daemonsets --delete-emptydir-data</c> (k8s.io/kubectl/pkg/drain): cordon, then evict every
    /// pod on the node except DaemonSet and mirror pods, retrying an eviction a budget refuses every 5 s (cluster clock), and wait
    /// for each evicted pod to be gone. Pods without a controller are refused unless <paramref name="force"/> (as kubectl).
    /// <paramref name="onLine"/> gets each output line as it happens. Stops at <paramref name="timeout"/> (Completed = false).
    /// </summary>
    public async Task<DrainResult> DrainAsync(string node, TimeSpan? timeout = null, bool force = false, Action<string>? onLine = null, CancellationToken ct = default)
    {
        var log = new List<string>();
        var evicted = new List<string>();
        void Say(string line) { lock (log) log.Add(line); onLine?.Invoke(line); }
        await CordonAsync(node, true, ct).ConfigureAwait(false);
        Say($"node/{node} cordoned");
        var pods = (await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={node}", cancellationToken: ct).ConfigureAwait(false)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var ignored = pods.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Kind == "DaemonSet") == true).ToList();
        if (ignored.Count > 0) Say($"Warning: ignoring DaemonSet-managed Pods: {string.Join(", ", ignored.Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}"))}");
        var toEvict = pods.Except(ignored).Where(p => p.Metadata.Annotations?.ContainsKey("kubernetes.io/config.mirror") != true).ToList();
        var unmanaged = toEvict.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true) != true).ToList();
        if (unmanaged.Count > 0 && !force)
            throw new InvalidOperationException($"cannot delete Pods that declare no controller (use --force to override): {string.Join(", ", unmanaged.Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}"))}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await Task.WhenAll(toEvict.Select(async p =>
            {
                var (ns, name) = (p.Metadata.NamespaceProperty, p.Metadata.Name);
                Say($"evicting pod {ns}/{name}");
                while (true)
                {
                    var r = await EvictAsync(name, ns, deadline.Token).ConfigureAwait(false);
                    if (r.Evicted) break;
                    if (r.StatusCode != 429) throw new InvalidOperationException($"error when evicting pods/\"{name}\" -n \"{ns}\": {r.Message}");
                    Say($"error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {r.Message}");
                    await Task.Delay(TimeSpan.FromSeconds(5), Clock, deadline.Token).ConfigureAwait(false);
                    Say($"evicting pod {ns}/{name}");
                }
                // kubectl waits until the pod is gone (or replaced by one of the same name with another uid).
                while (true)
                {
                    try
                    {
                        var now = await _client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: deadline.Token).ConfigureAwait(false);
                        if (now.Metadata.Uid != p.Metadata.Uid) break;
                    }
                    catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { break; }
                    await Task.Delay(TimeSpan.FromMilliseconds(200), Clock, deadline.Token).ConfigureAwait(false);
                }
                lock (evicted) evicted.Add($"{ns}/{name}");
                Say($"pod/{name} evicted");
            })).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Say($"error: unable to drain node \"{node}\": timed out");
            return new DrainResult(node, false, log, evicted);
        }
        Say($"node/{node} drained");
        return new DrainResult(node, true, log, evicted);
    }

    /// <summary>Records a PodDisruptionBudget's disruptionsAllowed and where its pods run, over time (stop it, then plot).</summary>
    public DrainRecording RecordDrain(string budget, TimeSpan? interval = null) => DrainRecording.Start(this, budget, interval ?? TimeSpan.FromMilliseconds(250));
}
