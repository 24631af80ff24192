using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// A request sent the way KubernetesClient's generated methods send it (Kubernetes.SendRequestRaw): the client's credentials
/// on it, through the client's HttpClient and handler chain, HTTP/2 preferred; a status other than 2xx becomes the
/// <see cref="HttpOperationException"/> those methods throw, carrying the response body. For the components' writes whose
/// answer nobody reads (events, status patches, bindings): the generated methods decode every answer into model objects, a
/// whole pod for each status patch, which was a large part of the simulator's CPU and garbage at 10,000 pods.
/// </summary>
public static class RawApiRequest
{
    /// <summary>The response, headers read, its body not yet; the caller disposes it.</summary>
    public static async Task<HttpResponseMessage> SendAsync(IKubernetes client, HttpMethod method, string relativeUri, string? body, string? mediaType,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var kubernetes = client as Kubernetes
            ?? throw new ArgumentException($"a raw request needs a KubernetesClient {nameof(Kubernetes)} client, not {client.GetType().Name}", nameof(client));
        using var request = new HttpRequestMessage(method, new Uri(kubernetes.BaseUri, relativeUri)) { Version = HttpVersion.Version20 };
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType ?? "application/json");
        if (kubernetes.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await kubernetes.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {text}")
            {
                Request = new HttpRequestMessageWrapper(request, body ?? ""),
                Response = new HttpResponseMessageWrapper(response, text),
            };
        }
    }

    /// <summary>A write whose answer is not read: only its success matters (failures throw as the generated methods do).</summary>
    public static async Task WriteAsync(IKubernetes client, HttpMethod method, string relativeUri, string body, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(client, method, relativeUri, body, mediaType, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A write whose answer is read for one thing: the object's metadata.name (what generateName made of it).</summary>
    public static async Task<string?> WriteForNameAsync(IKubernetes client, HttpMethod method, string relativeUri, string body, string mediaType,
        CancellationToken cancellationToken)
    {
        using var response = await SendAsync(client, method, relativeUri, body, mediaType, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        return MetadataName(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The object's metadata.name, read from its JSON without building it.</summary>
    internal static string? MetadataName(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (!isMetadata || reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            return null;
        }
        return null;
    }
}
