using System.Text.RegularExpressions;
using k8s;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Storage;

/// <summary>The real kubectl 1.32 against the simulator: get pv,pvc,sc columns and describe pvc / pv.</summary>
public partial class StorageKubectlTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private IKubernetes Client => f.Client;

    [Fact]
    public async Task Get_pv_pvc_sc_prints_kubectls_columns()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "data"), ns);
        var claim = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns), c => c.Status?.Phase == "Bound", "bound", 20);

        var r = await f.KubectlOkAsync("get", "pv,pvc,sc", "-n", ns);
        var lines = r.Lines;
        var pvHeader = Array.FindIndex(lines, l => l.StartsWith("NAME ", StringComparison.Ordinal) && l.Contains("RECLAIM POLICY"));
        Assert.Equal(["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"],
            ColumnGap().Split(lines[pvHeader].Trim()));
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^persistentvolume/{claim.Spec.VolumeName}\s+1Gi\s+RWO\s+Delete\s+Bound\s+{ns}/data\s+standard\s+<unset>\s+\S+$"));
        var pvcHeader = Array.FindIndex(lines, l => l.StartsWith("NAME ", StringComparison.Ordinal) && l.Contains("VOLUME "));
        Assert.Equal(["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"], ColumnGap().Split(lines[pvcHeader].Trim()));
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^persistentvolumeclaim/data\s+Bound\s+{claim.Spec.VolumeName}\s+1Gi\s+RWO\s+standard\s+<unset>\s+\S+$"));
        Assert.Contains(lines, l => l.StartsWith("storageclass.storage.k8s.io/standard (default)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_pvc_shows_the_user_and_the_events()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), ns);
        await ObservedState.Until(() => Client.CoreV1.ListNamespacedEventAsync(ns), l => l.Items.Any(e => e.Reason == "WaitForFirstConsumer"), "waiting event");
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "data"), ns);
        var claim = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns), c => c.Status?.Phase == "Bound", "bound", 20);
        await ObservedState.Until(() => Client.CoreV1.ListNamespacedEventAsync(ns), l => l.Items.Any(e => e.Reason == "ProvisioningSucceeded"), "provisioned event");

        var d = await f.KubectlOkAsync("describe", "pvc", "data", "-n", ns);
        Assert.Matches(@"(?m)^Status:\s+Bound$", d.Stdout);
        Assert.Matches($@"(?m)^Volume:\s+{claim.Spec.VolumeName}$", d.Stdout);
        Assert.Matches(@"(?m)^Finalizers:\s+\[kubernetes\.io/pvc-protection\]$", d.Stdout);
        Assert.Matches(@"(?m)^Used By:\s+user$", d.Stdout);
        Assert.Matches(@"(?m)^\s+Normal\s+WaitForFirstConsumer\s+.*persistentvolume-controller\s+waiting for first consumer to be created before binding$", d.Stdout);
        Assert.Contains("ProvisioningSucceeded", d.Stdout);

        var pv = await f.KubectlOkAsync("describe", "pv", claim.Spec.VolumeName);
        Assert.Matches(@"(?m)^Status:\s+Bound$", pv.Stdout);
        Assert.Matches($@"(?m)^Claim:\s+{ns}/data$", pv.Stdout);
        Assert.Matches(@"(?m)^Finalizers:\s+\[kubernetes\.io/pv-protection\]$", pv.Stdout);
        Assert.Matches(@"(?m)^\s+Path:\s+/var/local-path-provisioner/", pv.Stdout);
    }
}
