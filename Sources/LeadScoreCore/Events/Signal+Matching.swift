extension Signal {
    /// The signal whose JSON name is exactly these bytes, if any.
    static func match(_ k: UnsafeBufferPointer<UInt8>) -> Signal? {
        switch k.count {
        case 6: k.equals("bounce") ? .bounce : nil
        case 9: k.equals("web_visit") ? .webVisit : k.equals("form_fill") ? .formFill : nil
        case 10: k.equals("email_open") ? .emailOpen : k.equals("blog_visit") ? .blogVisit : nil
        case 11: k.equals("email_click") ? .emailClick : k.equals("unsubscribe") ? .unsubscribe : nil
        case 12: k.equals("demo_request") ? .demoRequest : nil
        case 13: k.equals("rfp_submitted") ? .rfpSubmitted : nil
        case 14: k.equals("spam_complaint") ? .spamComplaint : nil
        case 16: k.equals("content_download") ? .contentDownload : k.equals("webinar_attended") ? .webinarAttended : nil
        case 18: k.equals("pricing_page_visit") ? .pricingPageVisit : nil
        default: nil
        }
    }
}
