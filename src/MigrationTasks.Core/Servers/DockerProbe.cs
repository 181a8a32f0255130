using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace MigrationTasks.Servers;

/// <summary>
/// Whether a Docker engine that Testcontainers can use is reachable: a socket that answers, with an API
/// version of at least 1.44 (what Testcontainers 4.x requires). Asks once, with a short timeout.
/// </summary>
public static class DockerProbe
{
    public static readonly Version MinimumApiVersion = new(1, 44);

    /// <summary>Null when Docker is usable, otherwise the reason it is not.</summary>
    public static async Task<string?> WhyNotUsableAsync(CancellationToken cancellationToken)
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST");
        string? socketPath = null;
        Uri baseAddress;
        if (string.IsNullOrEmpty(endpoint) || endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            socketPath = string.IsNullOrEmpty(endpoint) ? "/var/run/docker.sock" : endpoint["unix://".Length..];
            if (!File.Exists(socketPath))
            {
                return $"no Docker socket at {socketPath}";
            }

            baseAddress = new Uri("http://docker/");
        }
        else if (endpoint.StartsWith("tcp://", StringComparison.Ordinal))
        {
            baseAddress = new Uri("http://" + endpoint["tcp://".Length..].TrimEnd('/') + "/");
        }
        else
        {
            return $"DOCKER_HOST '{endpoint}' is not a unix:// or tcp:// address";
        }

        using var handler = new SocketsHttpHandler();
        if (socketPath is not null)
        {
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            var version = await client.GetFromJsonAsync<VersionResponse>("version", cancellationToken).ConfigureAwait(false);
            if (version?.ApiVersion is null || !Version.TryParse(version.ApiVersion, out var api))
            {
                return "the Docker engine did not report an API version";
            }

            return api < MinimumApiVersion
                ? string.Create(CultureInfo.InvariantCulture, $"the Docker engine speaks API {api}, older than the {MinimumApiVersion} Testcontainers needs")
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return $"the Docker engine does not answer ({exception.GetType().Name})";
        }
    }

    private sealed record VersionResponse([property: JsonPropertyName("ApiVersion")] string? ApiVersion);
}
