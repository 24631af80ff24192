using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// registry.k8s.io/e2e-test-images/resource-consumer (kubernetes test/images/resource-consumer/Dockerfile): a Debian base
/// with /consumer and /consume-cpu; ENTRYPOINT ["/consumer"], EXPOSE 8080.
/// </summary>
public static class ResourceConsumerImage
{
    public static ImageDefinition Create(ImageName name, ResourceConsumption consumption)
    {
        var b = BaseLayers.Debian("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
            "root:x:0:\nnogroup:x:65534:\n");
        var consumer = new ResourceConsumerProgram(consumption);
        b.Program("/consumer", consumer);
        b.File("/consume-cpu/consume-cpu", "", RootBuilder.Executable);
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Entrypoint = ["/consumer"],
            Description = "resource-consumer: POST /ConsumeCPU, /ConsumeMem, /GetCurrentStatus on :8080 drive the Pod's metrics; Debian sh and coreutils.",
        };
    }
}
