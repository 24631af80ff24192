using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

public class CrudTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Create_get_list_update_delete_a_configmap()
    {
        var ns = await f.NewNamespaceAsync();
        var created = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("cfg"), ns);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);

        var read = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);

        read.Data["k"] = "changed";
        var updated = await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(read, "cfg", ns);
        Assert.Equal("changed", updated.Data["k"]);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        var list = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Equal(["cfg"], list.Items.Select(i => i.Metadata.Name).Where(n => n != ClusterFixture.RootCaConfigMap));

        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", ns);
        Assert.Equal(404, await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns)));
    }

    [Fact]
    public async Task Resource_versions_increase_globally()
    {
        var ns = await f.NewNamespaceAsync();
        var a = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), ns);
        var b = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b"), ns);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task GenerateName_appends_five_characters_from_the_Kubernetes_alphabet()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = Objects.ConfigMap(null!);
        cm.Metadata.GenerateName = "job-";
        var created = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        Assert.Matches("^job-[bcdfghjklmnpqrstvwxz2456789]{5}$", created.Metadata.Name);
    }

    [Fact]
    public async Task Stale_update_is_a_409_conflict_with_Kubernetes_message()
    {
        var ns = await f.NewNamespaceAsync();
        var first = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("x"), ns);
        var fresh = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("x", ns);
        fresh.Data["k"] = "2";
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, "x", ns);

        first.Data["k"] = "stale";
        var e = await Objects.Fails(() => f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "x", ns));
        Assert.Equal(409, (int)e.Response.StatusCode);
        var status = e.StatusBody();
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NotFound_and_AlreadyExists_use_Kubernetes_texts()
    {
        var ns = await f.NewNamespaceAsync();
        var nf = await Objects.Fails(() => f.Client.CoreV1.ReadNamespacedPodAsync("nope", ns));
        Assert.Equal(404, (int)nf.Response.StatusCode);
        var s = nf.StatusBody();
        Assert.Equal("Status", s["kind"]!.GetValue<string>());
        Assert.Equal("Failure", s["status"]!.GetValue<string>());
        Assert.Equal("pods \"nope\" not found", s["message"]!.GetValue<string>());
        Assert.Equal("NotFound", s["reason"]!.GetValue<string>());
        Assert.Equal("nope", s["details"]!["name"]!.GetValue<string>());
        Assert.Equal("pods", s["details"]!["kind"]!.GetValue<string>());

        await f.Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("rs"), ns);
        var ae = await Objects.Fails(() => f.Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("rs"), ns));
        Assert.Equal(409, (int)ae.Response.StatusCode);
        Assert.Equal("replicasets.apps \"rs\" already exists", ae.StatusBody()["message"]!.GetValue<string>());
        Assert.Equal("apps", ae.StatusBody()["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p"), "does-not-exist"));
        Assert.Equal(404, (int)e.Response.StatusCode);
        Assert.Equal("namespaces \"does-not-exist\" not found", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pods_list_across_all_namespaces()
    {
        var a = await f.NewNamespaceAsync();
        var b = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p1"), a);
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p2"), b);
        var all = await f.Client.CoreV1.ListPodForAllNamespacesAsync();
        Assert.Contains(all.Items, p => p.Metadata.Name == "p1" && p.Metadata.NamespaceProperty == a);
        Assert.Contains(all.Items, p => p.Metadata.Name == "p2" && p.Metadata.NamespaceProperty == b);
    }

    [Fact]
    public async Task Pod_create_applies_defaults_and_pending_status()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = Objects.Pod("d", image: "nginx");
        pod.Spec.Containers.Add(new V1Container { Name = "side", Image = "busybox:1.36", Ports = [new V1ContainerPort { ContainerPort = 80 }] });
        var created = await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        Assert.Equal("Always", created.Spec.RestartPolicy);
        Assert.Equal("ClusterFirst", created.Spec.DnsPolicy);
        Assert.Equal(30, created.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("default-scheduler", created.Spec.SchedulerName);
        Assert.Equal("Always", created.Spec.Containers[0].ImagePullPolicy);   // untagged image
        Assert.Equal("IfNotPresent", created.Spec.Containers[1].ImagePullPolicy);
        Assert.Equal("TCP", created.Spec.Containers[1].Ports[0].Protocol);
        Assert.Equal("/dev/termination-log", created.Spec.Containers[0].TerminationMessagePath);
        Assert.Equal("Pending", created.Status.Phase);
        Assert.Equal("BestEffort", created.Status.QosClass);
    }

    // PersistentVolumeClaims have spec + status subresource and no controller in the simulator, so nothing races these tests.
    [Fact]
    public async Task Generation_increments_on_spec_changes_only()
    {
        var ns = await f.NewNamespaceAsync();
        var pvc = await f.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("g"), ns);
        Assert.Equal(1, pvc.Metadata.Generation);

        pvc.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        pvc = await f.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(pvc, "g", ns);
        Assert.Equal(1, pvc.Metadata.Generation);

        pvc.Spec.VolumeName = "pv-1";
        pvc = await f.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(pvc, "g", ns);
        Assert.Equal(2, pvc.Metadata.Generation);

        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound" };
        pvc = await f.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(pvc, "g", ns);
        Assert.Equal(2, pvc.Metadata.Generation);
        Assert.Equal("Bound", pvc.Status.Phase);
    }

    [Fact]
    public async Task Status_subresource_and_main_resource_split_ownership()
    {
        var ns = await f.NewNamespaceAsync();
        var pvc = await f.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("s"), ns);
        // Main endpoint ignores status changes.
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound" };
        pvc = await f.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(pvc, "s", ns);
        Assert.Equal("Pending", pvc.Status?.Phase); // the defaulted phase (SetDefaults_PersistentVolumeClaim), not the "Bound" sent
        // Status endpoint ignores spec changes.
        pvc.Spec.VolumeName = "ignored";
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Lost" };
        pvc = await f.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(pvc, "s", ns);
        Assert.Null(pvc.Spec.VolumeName);
        Assert.Equal("Lost", pvc.Status.Phase);
    }

    [Fact]
    public async Task A_status_patch_changes_the_status_alone_whatever_else_it_carries()
    {
        var ns = await f.NewNamespaceAsync();
        var created = await f.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("p"), ns);
        // Status alone, as the kubelet and the controllers send it: the stored copy with the new status becomes the next version.
        var patched = await f.Client.CoreV1.PatchNamespacedPersistentVolumeClaimStatusAsync(
            new V1Patch("""{"status":{"phase":"Lost"}}""", V1Patch.PatchType.MergePatch), "p", ns);
        Assert.Equal("Lost", patched.Status.Phase);
        Assert.NotEqual(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
        Assert.Equal(created.Spec.AccessModes, patched.Spec.AccessModes);
        Assert.Equal(created.Metadata.Uid, patched.Metadata.Uid);
        // (The PersistentVolume controller may write the claim's status again afterwards: compare what it leaves alone.)
        var read = await f.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("p", ns);
        Assert.Equal(KubernetesJson.Serialize(patched.Spec), KubernetesJson.Serialize(read.Spec));
        Assert.Equal(patched.Metadata.Uid, read.Metadata.Uid);
        // With a spec change beside it, the status endpoint still takes only the status.
        patched = await f.Client.CoreV1.PatchNamespacedPersistentVolumeClaimStatusAsync(
            new V1Patch("""{"spec":{"volumeName":"ignored"},"status":{"phase":"Bound"}}""", V1Patch.PatchType.MergePatch), "p", ns);
        Assert.Null(patched.Spec.VolumeName);
        Assert.Equal("Bound", patched.Status.Phase);
        Assert.Null((await f.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("p", ns)).Spec.VolumeName);
    }

    public static V1PersistentVolumeClaim Claim(string name) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new() { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };

    [Fact]
    public async Task Scale_subresource_reads_and_writes_replicas()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("sc"), ns);
        var scale = await f.Client.AppsV1.ReadNamespacedReplicaSetScaleAsync("sc", ns);
        Assert.Equal(1, scale.Spec.Replicas);
        Assert.Equal("app=sc", scale.Status.Selector);
        await f.Client.AppsV1.PatchNamespacedReplicaSetScaleAsync(new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "sc", ns);
        Assert.Equal(4, (await f.Client.AppsV1.ReadNamespacedReplicaSetAsync("sc", ns)).Spec.Replicas);
    }

    [Fact]
    public async Task Version_health_and_discovery_are_served()
    {
        var version = await f.Client.Version.GetCodeAsync();
        Assert.Equal("1", version.Major);
        Assert.Equal("32", version.Minor);
        Assert.StartsWith("v1.32.", version.GitVersion);

        var (code, _) = await f.SendAsync(HttpMethod.Get, "/healthz");
        Assert.Equal(200, code);

        var core = await f.Client.CoreV1.GetAPIResourcesAsync();
        var pods = core.Resources.Single(r => r.Name == "pods");
        Assert.Contains("po", pods.ShortNames);
        Assert.Contains("all", pods.Categories);
        Assert.True(pods.Namespaced);
        Assert.Contains(core.Resources, r => r.Name == "pods/status");
        Assert.Contains(core.Resources, r => r.Name == "replicationcontrollers/scale");

        var apps = await f.Client.AppsV1.GetAPIResourcesAsync();
        Assert.Contains("deploy", apps.Resources.Single(r => r.Name == "deployments").ShortNames);
        Assert.Contains(apps.Resources, r => r.Name == "deployments/scale" && r.Kind == "Scale");

        var groups = await f.Client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == "apps");
        Assert.Contains(groups.Groups, g => g.Name == "batch");
        Assert.Contains(groups.Groups, g => g.Name == "autoscaling" && g.PreferredVersion.Version == "v2");
    }

    [Fact]
    public async Task Seeded_cluster_has_kind_like_nodes_and_namespaces()
    {
        var nss = await f.Client.CoreV1.ListNamespaceAsync();
        foreach (var n in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            Assert.Contains(nss.Items, x => x.Metadata.Name == n && x.Status.Phase == "Active");
        var nodes = await f.Client.CoreV1.ListNodeAsync();
        Assert.Equal(["k8s-course-control-plane", "k8s-course-worker", "k8s-course-worker2"], nodes.Items.Select(n => n.Metadata.Name).Order());
        var cp = nodes.Items.Single(n => n.Metadata.Name == "k8s-course-control-plane");
        Assert.Equal("", cp.Metadata.Labels["node-role.kubernetes.io/control-plane"]);
        Assert.Contains(cp.Spec.Taints, t => t.Key == "node-role.kubernetes.io/control-plane" && t.Effect == "NoSchedule");
        Assert.Equal("10.244.0.0/24", cp.Spec.PodCIDR);
        Assert.Equal("172.18.0.2", cp.Status.Addresses.Single(a => a.Type == "InternalIP").Address);
        Assert.Equal("110", cp.Status.Allocatable["pods"].ToString());
        Assert.Equal("True", cp.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task Written_kubeconfig_works_with_KubernetesClient_config_loading()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(f.KubeconfigPath, currentContext: SimulatedCluster.ContextName);
        Assert.Equal(f.Cluster.Url.ToString().TrimEnd('/'), config.Host.TrimEnd('/'));
        using var client = new Kubernetes(config);
        var nss = await client.CoreV1.ListNamespaceAsync();
        Assert.Contains(nss.Items, n => n.Metadata.Name == "kube-system");
        Assert.Contains("current-context: kubelab-sim", f.Cluster.KubeconfigYaml);
    }

    [Fact]
    public async Task Dry_run_create_is_not_persisted()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("dry"), ns, dryRun: "All");
        Assert.Equal(404, await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns)));
    }

    public static V1ReplicaSet ReplicaSet(string name) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            Selector = new() { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new()
            {
                Metadata = new() { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new() { Containers = [new() { Name = "app", Image = "nginx:1.27" }] },
            },
        },
    };
}
