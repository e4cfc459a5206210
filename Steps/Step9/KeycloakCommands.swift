/// `step9 auto` and `step9 setup`: the Keycloak side of step 9.
///
/// `setup` configures a running Keycloak from the realm file through its admin
/// REST API (``KeycloakSetup``); `auto`, the default, does that when a Keycloak
/// answers at `--keycloak-url`, and otherwise serves the realm itself, as
/// `step9 serve` (in main.swift) does.
import ArgumentParser
import Logging
import Shared

struct Automatic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auto",
        abstract: "Set up the Keycloak at --keycloak-url if one answers; otherwise serve the realm ourselves.")
    @OptionGroup var keycloak: KeycloakOptions
    @OptionGroup var realm: RealmOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        if await KeycloakAdmin.isReachable(keycloak.keycloakURL) {
            try await KeycloakSetup(options: keycloak, realm: RealmRepresentation.load(from: realm.realmFile)).run()
        } else {
            Logger(label: "step9").notice(
                "No Keycloak answers at \(keycloak.keycloakURL); serving the realm myself (step9 serve).")
            try await serve(server, realmFile: realm.realmFile, keyPath: nil, publicURL: nil)
        }
    }
}

struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Configure a running Keycloak from the realm file through its admin REST API (idempotent), then check it.")
    @OptionGroup var keycloak: KeycloakOptions
    @OptionGroup var realm: RealmOptions

    func run() async throws {
        try await KeycloakSetup(options: keycloak, realm: RealmRepresentation.load(from: realm.realmFile)).run()
    }
}
