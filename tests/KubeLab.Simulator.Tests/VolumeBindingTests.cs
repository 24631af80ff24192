using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// kind's storage: the default StorageClass "standard" (rancher.io/local-path, WaitForFirstConsumer, Delete), dynamic
/// provisioning of a node-local PV once a pod using the claim is scheduled, and the scheduler keeping that pod's successors
/// on the volume's node.
/// </summary>
public partial class VolumeBindingTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private IKubernetes Client => f.Client;

    private static V1PersistentVolumeClaim Claim(string name, string size = "2Gi") => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    private static V1Pod PodUsing(string name, string claim)
    {
        var pod = Objects.Pod(name);
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }];
        return pod;
    }

    [Fact]
    public async Task Kubectl_get_storageclass_shows_kinds_default_class()
    {
        var r = await f.KubectlAsync("get", "storageclass");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], ColumnGap().Split(r.Lines[0].Trim()));
        Assert.Matches(@"^standard \(default\)\s+rancher\.io/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$", r.Lines[1].Trim());
    }

    [Fact]
    public async Task A_claim_waits_for_its_first_consumer_then_binds_to_a_volume_on_the_pods_node()
    {
        var ns = await f.NewNamespaceAsync("pvc");
        var created = await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), ns);
        Assert.Equal("standard", created.Spec.StorageClassName); // DefaultStorageClass admission
        Assert.Equal("Filesystem", created.Spec.VolumeMode);
        Assert.Equal("Pending", created.Status.Phase);

        var waiting = await ObservedState.Until(() => Client.CoreV1.ListNamespacedEventAsync(ns),
            l => l.Items.Any(e => e.Reason == "WaitForFirstConsumer"), "a WaitForFirstConsumer event");
        var ev = waiting.Items.First(e => e.Reason == "WaitForFirstConsumer");
        Assert.Equal("waiting for first consumer to be created before binding", ev.Message);
        Assert.Equal(("Normal", "persistentvolume-controller", "data"), (ev.Type, ev.Source.Component, ev.InvolvedObject.Name));
        await Task.Delay(300);
        Assert.Equal("Pending", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns)).Status.Phase);

        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "data"), ns);
        var claim = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns),
            c => c.Status?.Phase == "Bound", "claim Bound");
        // The scheduler binds the pod only once its claim is Bound (VolumeBinding's PreBind waits for it).
        var pod = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("user", ns), p => !string.IsNullOrEmpty(p.Spec.NodeName), "pod scheduled");
        Assert.Equal($"pvc-{claim.Metadata.Uid}", claim.Spec.VolumeName);
        Assert.Equal("2Gi", claim.Status.Capacity["storage"].ToString());
        Assert.Equal(["ReadWriteOnce"], claim.Status.AccessModes);
        Assert.Equal(pod.Spec.NodeName, claim.Metadata.Annotations["volume.kubernetes.io/selected-node"]);

        var pv = await ObservedState.Until(() => Client.CoreV1.ReadPersistentVolumeAsync(claim.Spec.VolumeName), v => v.Status?.Phase == "Bound", "PV Bound");
        Assert.Equal("2Gi", pv.Spec.Capacity["storage"].ToString());
        Assert.Equal(("data", ns, claim.Metadata.Uid), (pv.Spec.ClaimRef.Name, pv.Spec.ClaimRef.NamespaceProperty, pv.Spec.ClaimRef.Uid));
        Assert.Equal(("Delete", "standard"), (pv.Spec.PersistentVolumeReclaimPolicy, pv.Spec.StorageClassName));
        Assert.Equal($"/var/local-path-provisioner/{pv.Metadata.Name}_{ns}_data", pv.Spec.HostPath.Path);
        var term = Assert.Single(Assert.Single(pv.Spec.NodeAffinity.Required.NodeSelectorTerms).MatchExpressions);
        Assert.Equal(("kubernetes.io/hostname", "In", pod.Spec.NodeName), (term.Key, term.OperatorProperty, Assert.Single(term.Values)));
        Assert.Equal("rancher.io/local-path", pv.Metadata.Annotations["pv.kubernetes.io/provisioned-by"]);

        var events = await ObservedState.Until(() => Client.CoreV1.ListNamespacedEventAsync(ns),
            l => l.Items.Any(e => e.Reason == "ProvisioningSucceeded"), "a ProvisioningSucceeded event");
        Assert.Equal($"Successfully provisioned volume {pv.Metadata.Name}", events.Items.First(e => e.Reason == "ProvisioningSucceeded").Message);
    }

    [Fact]
    public async Task Pods_reusing_a_bound_local_claim_land_on_the_volumes_node_and_deleting_the_claim_deletes_the_volume()
    {
        var ns = await f.NewNamespaceAsync("pvc");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("sticky"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("first", "sticky"), ns);
        var claim = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("sticky", ns), c => c.Status?.Phase == "Bound", "claim Bound");
        var node = (await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("first", ns), p => !string.IsNullOrEmpty(p.Spec.NodeName), "first scheduled")).Spec.NodeName;

        // The scheduler spreads pods over the two workers; with the volume's node affinity every pod goes to the same one.
        for (var i = 0; i < 4; i++) await Client.CoreV1.CreateNamespacedPodAsync(PodUsing($"again-{i}", "sticky"), ns);
        var pods = await ObservedState.Until(() => Client.CoreV1.ListNamespacedPodAsync(ns),
            l => l.Items.Count == 5 && l.Items.All(p => !string.IsNullOrEmpty(p.Spec.NodeName)), "five scheduled pods");
        Assert.All(pods.Items, p => Assert.Equal(node, p.Spec.NodeName));

        foreach (var p in pods.Items) await Client.CoreV1.DeleteNamespacedPodAsync(p.Metadata.Name, ns, gracePeriodSeconds: 0);
        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("sticky", ns);
        await ObservedState.Until(async () => (await Client.CoreV1.ListPersistentVolumeAsync()).Items.Any(v => v.Metadata.Name == claim.Spec.VolumeName),
            exists => !exists, "the provisioned PV deleted (reclaimPolicy Delete)");
    }

    [Fact]
    public void Node_affinity_matchFields_on_metadata_name_selects_exactly_that_node()
    {
        var affinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm
                {
                    MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["k8s-course-worker"] }],
                }],
            },
        };
        var labels = new Dictionary<string, string>();
        Assert.True(SchedulingDecision.MatchesRequiredNodeAffinity(affinity, labels, "k8s-course-worker"));
        Assert.False(SchedulingDecision.MatchesRequiredNodeAffinity(affinity, labels, "k8s-course-worker2"));
        // An empty term matches no node.
        var empty = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm()] } };
        Assert.False(SchedulingDecision.MatchesRequiredNodeAffinity(empty, labels, "k8s-course-worker"));
    }
}
