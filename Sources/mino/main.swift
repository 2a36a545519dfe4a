import Foundation
import MinoKit

StandardStreams.reopenClosed()
SignalMask.unblockHandledSignals()
exit(MinoApplication.run(.process()))
