import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import Synchronization

/// The demo's challenger: a model fitted from the world's first weeks and scored live beside the
/// built-in one. Until the fit the challenger's file is empty (the built-in model, so the two
/// agree on every lead); the world's events feed a `leadscore fit` sampler as they are sent, and
/// once the world has run `fitAfterDays`, the weights are fitted from what happened so far and
/// written over the file the daemon's `challenger.config` names. The daemon reloads it within
/// seconds and from then on the view and the dashboard compare the two as outcomes arrive.
final class DemoChallenger: Sendable {
    /// What the view says about it.
    enum Status: Sendable, Equatable {
        /// Not fitted yet: the fit runs once the world reaches `day`.
        case waiting(day: Int)
        case fitting
        /// Fitted at world day `day` from `conversions` converted training moments; validation AUC
        /// of the built-in model and of the fitted one on the same later moments.
        case fitted(day: Int, version: String, conversions: Int, startAUC: Double?, fittedAUC: Double?)
        /// Too little data yet (`reason`); tried again at `retryDay`.
        case refused(reason: String, retryDay: Int)
    }

    /// The file the daemon's `challenger.config` names.
    let path: String
    private let worldStart: Int64
    private let fitAfterDays: Int
    private let state: Mutex<(sampler: FitSampler, status: Status, nextFitAt: Int64)>

    /// How far a moment's conversion counts, and how often the world's leads are labelled: a
    /// demo's weeks are short, so both are short (README, "leadscore fit").
    static let horizonDays = 7
    static let everyDays = 1
    static let retryDays = 3

    init(path: String, start: ScoringConfig, worldStart: Int64, fitAfterDays: Int) throws {
        self.path = path
        self.worldStart = worldStart
        self.fitAfterDays = fitAfterDays
        var options = FitSampler.Options()
        options.horizon = .seconds(Self.horizonDays * 86_400)
        options.every = .seconds(Self.everyDays * 86_400)
        let sampler = FitSampler(space: FitFeatureSpace(start: start), options: options)
        state = Mutex((sampler, .waiting(day: fitAfterDays + 1), worldStart + Int64(fitAfterDays) * 86_400_000))
        // Empty: the built-in model, until the fit.
        try "# the demo's challenger: the built-in model until it is fitted from the world's first weeks\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    var status: Status { state.withLock { $0.status } }

    /// One world event as it is sent (in the world's time order); starts the fit when its day
    /// has come. Called on the traffic's task; the fit itself runs on its own.
    func observe(_ event: InputEvent) {
        let samples: FitSamples? = state.withLock { s in
            if case .fitted = s.status { return nil }
            s.sampler.add(event)
            guard event.occurredAt.millisecondsSinceEpoch >= s.nextFitAt, s.status != .fitting else { return nil }
            s.status = .fitting
            return s.sampler.samples()
        }
        guard let samples else { return }
        let day = Int((event.occurredAt.millisecondsSinceEpoch - worldStart) / 86_400_000) + 1
        Task.detached { [self] in fit(samples, day: day) }
    }

    private func fit(_ samples: FitSamples, day: Int) {
        let status: Status
        var retryAt = Int64.max
        do {
            let (config, report) = try ModelFit.run(samples, options: ModelFit.Options())
            let text = "# fitted by the demo from the world's first \(day - 1) days (leadscore fit --horizon \(Self.horizonDays)d --every \(Self.everyDays)d)\n"
                + FitConfigYAML.scoringSection(config)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            status = .fitted(day: day, version: config.version, conversions: report.trainingConversions,
                             startAUC: report.start.auc, fittedAUC: report.fitted.auc)
        } catch {
            status = .refused(reason: "\(error)", retryDay: day + Self.retryDays)
            retryAt = worldStart + Int64(day - 1 + Self.retryDays) * 86_400_000
        }
        state.withLock { s in
            s.status = status
            s.nextFitAt = retryAt
        }
    }
}
