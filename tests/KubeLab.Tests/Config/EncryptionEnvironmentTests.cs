using KubeLab.Simulator;
using KubeLab.Simulator.Api.Storage.Encryption;
using YamlDotNet.RepresentationModel;

namespace KubeLab.Tests.Config;

/// <summary>
/// kind cannot run here, so the encryption-at-rest wiring is checked in its files: the EncryptionConfiguration parses and
/// encrypts Secrets with aescbc, kind's config mounts its folder into the control-plane node and points kube-apiserver at it
/// (kubeadm v1beta3 map-form extraArgs), and the course's simulator finds the same file.
/// </summary>
public class EncryptionEnvironmentTests
{
    // …/environment/encryption/encryption-config.yaml → the repository root three levels up.
    private static string Root => Path.GetFullPath(Path.Combine(SimulatorOptions.FindCourseEncryptionConfiguration()!, "..", "..", ".."));

    [Fact]
    public void The_course_file_encrypts_secrets_with_aescbc_key1_and_keeps_identity_for_reading()
    {
        var path = SimulatorOptions.FindCourseEncryptionConfiguration();
        Assert.NotNull(path);
        Assert.Equal(SimulatorOptions.Course.EncryptionConfigurationPath, path);
        var config = EncryptionConfiguration.Load(path);
        var secrets = KubeLab.Simulator.Api.Registry.ResourceRegistry.Types.Single(t => t.Kind == "Secret");
        var configMaps = KubeLab.Simulator.Api.Registry.ResourceRegistry.Types.Single(t => t.Kind == "ConfigMap");
        Assert.Equal(["k8s:enc:aescbc:v1:key1:", ""], config.ProvidersFor(secrets).Select(p => p.Prefix));
        Assert.Equal([""], config.ProvidersFor(configMaps).Select(p => p.Prefix));
    }

    [Fact]
    public void Kind_mounts_the_folder_and_passes_the_flag_to_the_api_server()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, "environment", "kind-cluster.yaml"))));
        var controlPlane = ((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["nodes"]).Children.Cast<YamlMappingNode>()
            .Single(n => n["role"].ToString() == "control-plane");
        var mount = ((YamlSequenceNode)controlPlane["extraMounts"]).Children.Cast<YamlMappingNode>().Single();
        Assert.Equal("environment/encryption", mount["hostPath"].ToString());
        Assert.True(Directory.Exists(Path.Combine(Root, mount["hostPath"].ToString())));   // relative to the repository root, where `kubelab up` runs kind
        Assert.Equal("/etc/kubernetes/encryption", mount["containerPath"].ToString());

        var patch = new YamlStream();
        patch.Load(new StringReader(((YamlSequenceNode)controlPlane["kubeadmConfigPatches"]).Children.Single().ToString()));
        var apiServer = (YamlMappingNode)((YamlMappingNode)patch.Documents[0].RootNode)["apiServer"];
        Assert.Equal("/etc/kubernetes/encryption/encryption-config.yaml", ((YamlMappingNode)apiServer["extraArgs"])["encryption-provider-config"].ToString());
        var volume = ((YamlSequenceNode)apiServer["extraVolumes"]).Children.Cast<YamlMappingNode>().Single();
        Assert.Equal(mount["containerPath"].ToString(), volume["hostPath"].ToString());   // the node's path, as mounted by kind
        Assert.Equal("/etc/kubernetes/encryption", volume["mountPath"].ToString());
        Assert.True(File.Exists(Path.Combine(Root, "environment", "encryption", "encryption-config.yaml")));
    }
}
