using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Controllers.Endpoints;

/// <summary>Wiring of the endpointslice-, endpoints- and endpointslice-mirroring-controllers with the shared Service, Pod and EndpointSlice informers.</summary>
public static class EndpointControllers
{
    public static void Start(ControllerClientBuilder clients, Informer<V1Service, V1ServiceList> services, Informer<V1Pod, V1PodList> pods,
        Informer<V1EndpointSlice, V1EndpointSliceList> endpointSlices, TimeProvider time, int watchTimeoutSeconds, Action<Task> run, CancellationToken ct)
    {
        var client = clients.Root; // the shared informers: kube-controller-manager's own credentials
        var endpoints = new Informer<V1Endpoints, V1EndpointsList>("endpoints",
            c => client.CoreV1.ListEndpointsForAllNamespacesAsync(cancellationToken: c),
            InformerWatch.For<V1Endpoints, V1EndpointsList>(client, "api/v1/endpoints", watchTimeoutSeconds), time);
        var sliceController = new EndpointSliceController(clients.ClientFor("endpointslice-controller"), services, pods, endpointSlices, time);
        var endpointsController = new EndpointsController(clients.ClientFor("endpoint-controller"), services, pods, endpoints, time);
        var mirroring = new EndpointSliceMirroring.EndpointSliceMirroringController(clients.ClientFor("endpointslicemirroring-controller"), services, endpoints, endpointSlices, time);
        run(endpointSlices.RunAsync(ct));
        run(endpoints.RunAsync(ct));
        // kube-controller-manager's --concurrent-endpoint-slice-syncs and --concurrent-service-endpoint-syncs default: 5.
        run(sliceController.RunAsync(5, ct));
        run(endpointsController.RunAsync(5, ct));
        run(mirroring.RunAsync(5, ct)); // --mirroring-concurrent-service-endpoint-syncs default

    }
}
